// Command kube-apiserver is the upstream Kubernetes API server, built from the
// k8s.io/kubernetes module through the Go module proxy (no release download).
// deploy/helm/check-apiserver.sh starts it on loopback to have every object of
// the Helm chart accepted by a real API server. The body is upstream's
// cmd/kube-apiserver/apiserver.go.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time zones

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
