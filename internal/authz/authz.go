// Package authz is the casbin adapter: it answers custos.Authorizer from the
// embedded model and policy and the memberships in the database.
package authz

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/policies"
)

// MembershipSource lists the memberships team roles are granted from and the
// organisation admins.
type MembershipSource interface {
	AllMemberships(ctx context.Context) ([]custos.Membership, error)
	// OrgAdmins lists the enabled accounts that administer the organisation.
	OrgAdmins(ctx context.Context) ([]int64, error)
}

// Authorizer enforces the policy. Decisions are cached; Reload builds a fresh
// enforcer from the current memberships, which drops the cache.
type Authorizer struct {
	source MembershipSource
	e      atomic.Pointer[casbin.SyncedCachedEnforcer]
	log    *slog.Logger
}

// New loads the policy and the memberships.
func New(ctx context.Context, source MembershipSource, log *slog.Logger) (*Authorizer, error) {
	a := &Authorizer{source: source, log: log}
	if err := a.Reload(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// Subject is the casbin subject of a user.
func Subject(userID int64) string { return "user:" + strconv.FormatInt(userID, 10) }

// NewEnforcer builds an enforcer from the embedded model and policy, the
// given memberships and the organisation admins.
func NewEnforcer(memberships []custos.Membership, orgAdmins []int64) (*casbin.SyncedCachedEnforcer, error) {
	m, err := model.NewModelFromString(policies.Model)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewSyncedCachedEnforcer(m)
	if err != nil {
		return nil, err
	}
	rules, err := parsePolicy(policies.Policy)
	if err != nil {
		return nil, err
	}
	if _, err := e.AddPolicies(rules); err != nil {
		return nil, fmt.Errorf("casbin policy: %w", err)
	}
	var grants [][]string
	for _, ms := range memberships {
		sub := Subject(ms.UserID)
		grants = append(grants, []string{sub, string(ms.Role), custos.TeamDomain(ms.TeamID)})
		// A team admin's role stays in the team; only an auditor's chain
		// verification is organisation-wide.
		if ms.Role == custos.RoleAuditor {
			grants = append(grants, []string{sub, custos.OrgRoleAuditor, custos.OrgDomain})
		}
	}
	for _, id := range orgAdmins {
		grants = append(grants, []string{Subject(id), custos.OrgRoleAdmin, custos.OrgDomain})
	}
	if len(grants) > 0 {
		// AddGroupingPolicies refuses a batch with a duplicate, and an
		// auditor of two teams yields two identical org grants.
		for _, g := range grants {
			if _, err := e.AddGroupingPolicy(g); err != nil {
				return nil, fmt.Errorf("casbin grant %v: %w", g, err)
			}
		}
	}
	return e, nil
}

// parsePolicy reads "p, role, object, action" lines, failing on anything else.
func parsePolicy(text string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	var rules [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rules, nil
		} else if err != nil {
			return nil, fmt.Errorf("policy.csv: %w", err)
		}
		if len(rec) != 4 || rec[0] != "p" {
			return nil, fmt.Errorf("policy.csv: want \"p, role, object, action\", got %q", strings.Join(rec, ", "))
		}
		rules = append(rules, rec[1:])
	}
}

// Reload rebuilds the enforcer from the current memberships.
func (a *Authorizer) Reload(ctx context.Context) error {
	ms, err := a.source.AllMemberships(ctx)
	if err != nil {
		return err
	}
	admins, err := a.source.OrgAdmins(ctx)
	if err != nil {
		return err
	}
	e, err := NewEnforcer(ms, admins)
	if err != nil {
		return err
	}
	a.e.Store(e)
	return nil
}

// Allowed implements custos.Authorizer.
func (a *Authorizer) Allowed(_ context.Context, userID int64, domain string, obj custos.Object, act custos.Action) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	return a.e.Load().Enforce(Subject(userID), domain, string(obj), string(act))
}

// Follow reloads whenever any server changes a membership (PostgreSQL
// NOTIFY on channel), and every interval in case a notification was missed,
// until ctx ends.
func (a *Authorizer) Follow(ctx context.Context, databaseURL, channel string, interval time.Duration) {
	l := pq.NewListener(databaseURL, time.Second, time.Minute, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			a.log.Warn("authorization listener", "event", ev, "err", err)
		}
	})
	defer l.Close()
	if err := l.Listen(channel); err != nil {
		a.log.Error("authorization listener cannot listen; relying on periodic reloads", "err", err)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.Notify: // nil after a reconnect: reload too, notifications may have been lost
		case <-tick.C:
		}
		if err := a.Reload(ctx); err != nil && ctx.Err() == nil {
			a.log.Error("reload memberships", "err", err)
		}
	}
}
