// Command kyc-ferretdb runs FerretDB v1 (MongoDB wire protocol) with its
// SQLite backend, or its PostgreSQL backend when asked to. It embeds the
// upstream `ferretdb` package instead of building upstream's command, whose
// module zip lacks generated build files.
//
// Configuration (environment):
//
//	FERRETDB_LISTEN_ADDR     TCP listen address                (default "0.0.0.0:27017")
//	FERRETDB_HANDLER         sqlite|postgresql                 (default "sqlite")
//	FERRETDB_SQLITE_URL      SQLite directory URI              (default "file:/state/")
//	FERRETDB_POSTGRESQL_URL  PostgreSQL URL (handler postgresql)
//	FERRETDB_LOG_LEVEL       debug|info|warn|error             (default "info")
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func main() {
	var level slog.Level
	if err := level.UnmarshalText([]byte(getenv("FERRETDB_LOG_LEVEL", "info"))); err != nil {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	listen := getenv("FERRETDB_LISTEN_ADDR", "0.0.0.0:27017")
	handler := getenv("FERRETDB_HANDLER", "sqlite")
	sqliteURL := getenv("FERRETDB_SQLITE_URL", "file:/state/")
	postgresqlURL := os.Getenv("FERRETDB_POSTGRESQL_URL")

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: listen},
		Logger:        logger,
		Handler:       handler,
		SQLiteURL:     sqliteURL,
		PostgreSQLURL: postgresqlURL,
	})
	if err != nil {
		logger.Error("failed to start FerretDB", "error", err)
		os.Exit(1)
	}

	// As PID 1 in a container, SIGINT/SIGTERM are ignored unless handled.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The PostgreSQL URL may carry a password: only the backend's name is logged.
	logger.Info("kyc-ferretdb starting", "listen", listen, "handler", handler)
	if err := f.Run(ctx); err != nil {
		logger.Error("FerretDB stopped with error", "error", err)
		os.Exit(1)
	}
	logger.Info("kyc-ferretdb stopped")
}
