package store

import (
	"context"
	"log/slog"
	"time"
)

// DefaultPruneInterval is how often a Pruner prunes by default.
const DefaultPruneInterval = time.Hour

// Pruner prunes a store on a schedule: once when it starts, then every
// Interval. `callspec serve` runs one beside the forward worker; a service
// built on a generated handler runs one the same way (store.Pruner{Store:
// st}.Run(ctx)), or prunes from a scheduled job. Several replicas may
// prune one store at once.
type Pruner struct {
	Store Store
	// Retention is how long completed claims and delivered messages are
	// kept (default DefaultRetention, at least MinRetention).
	Retention time.Duration
	// Interval is the time between two prunes (default
	// DefaultPruneInterval).
	Interval time.Duration
	// Logger receives one line per prune that deleted something, and
	// failures. Default: slog.Default().
	Logger *slog.Logger
}

// Run prunes until ctx is done, then returns nil. A failed prune is
// logged and tried again at the next interval. A retention shorter than
// MinRetention is refused at once.
func (p Pruner) Run(ctx context.Context) error {
	if p.Retention == 0 {
		p.Retention = DefaultRetention
	}
	if err := CheckRetention(p.Retention); err != nil {
		return err
	}
	if p.Interval <= 0 {
		p.Interval = DefaultPruneInterval
	}
	if p.Logger == nil {
		p.Logger = slog.Default()
	}
	tick := time.NewTicker(p.Interval)
	defer tick.Stop()
	for {
		n, err := p.Store.Prune(ctx, p.Retention)
		switch {
		case err != nil && ctx.Err() == nil:
			p.Logger.Error("pruning the store failed; trying again at the next interval", "error", err, "retention", p.Retention.String())
		case n.Claims > 0 || n.Messages > 0:
			p.Logger.Info("pruned the store", "claims", n.Claims, "messages", n.Messages, "retention", p.Retention.String())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
