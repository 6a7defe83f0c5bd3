// Command etcd is the upstream etcd server, built from the go.etcd.io/etcd/server/v3
// module through the Go module proxy (upstream's root module, which holds its
// main package, is not served by the proxy). deploy/helm/check-apiserver.sh runs
// it on loopback as the storage of a throwaway kube-apiserver.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
