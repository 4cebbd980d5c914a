// serve: the HTTP server, its single sign-on and its memo signer.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/custos-dd/custos/frontend"
	"github.com/custos-dd/custos/internal/authz"
	"github.com/custos-dd/custos/internal/config"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/httpapi"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/notify"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

func serve(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintln(out, "usage: custos serve\n\nSettings (environment variables):")
		for _, v := range config.Vars {
			def := v.Default
			if def == "" {
				def = "unset"
			}
			fmt.Fprintf(out, "  %-28s %s (default: %s)\n", v.Name, v.Help, def)
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	cfg, problems := config.Load(getenv)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "config:", p)
		}
		return fmt.Errorf("%d configuration problem(s); custos serve --help lists the settings", len(problems))
	}

	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	var log *slog.Logger
	if cfg.LogFormat == "text" {
		log = slog.New(slog.NewTextHandler(os.Stderr, opts))
	} else {
		log = slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := postgres.OpenWith(ctx, cfg.DatabaseURL, postgres.Settings{
		MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementTimeout, ConnectTimeout: cfg.DBConnectTimeout})
	if err != nil {
		return err
	}
	defer db.Close()
	db.SessionPolicy = custos.SessionPolicy{IdleTimeout: cfg.SessionIdle, MaxLifetime: cfg.SessionMax}
	db.Freshness = custos.DefaultFreshness.With(cfg.SOCStaleMonths, cfg.BridgeMonths, cfg.ExpiringDays)

	teams := postgres.NewTeamService(db)
	authorizer, err := authz.New(ctx, teams, log)
	if err != nil {
		return fmt.Errorf("load authorization policy: %w (has `custos migrate` run?)", err)
	}
	go authorizer.Follow(ctx, cfg.DatabaseURL, postgres.AuthzChannel, time.Minute)
	if err := db.PrepareHot(ctx); err != nil {
		return fmt.Errorf("prepare the hot statements: %w (has `custos migrate` run?)", err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.SQL(), "custos"))
	signer, closeSigner, err := memoSigner(cfg, log)
	if err != nil {
		return err
	}
	defer closeSigner()
	renderer, err := memo.NewRenderer()
	if err != nil {
		return err
	}
	catalogue := postgres.NewCatalogueService(db)
	evaluations := postgres.NewEvaluationService(db)
	// Every certificate that has signed is kept (key rotation); memos by any
	// of them verify. Checkpoints of the audit head are signed at each memo
	// and on a schedule.
	checkpoints := postgres.NewCheckpointService(db, signer)
	if err := checkpoints.RegisterSigner(ctx); err != nil {
		return fmt.Errorf("record the signing certificate: %w (has `custos migrate` run?)", err)
	}
	verifier := signer.Verifier()
	known, err := checkpoints.SigningCertificates(ctx)
	if err != nil {
		return err
	}
	for _, k := range known {
		verifier.Earlier = append(verifier.Earlier, k.Cert)
	}
	memos := postgres.NewMemoService(db, evaluations, renderer, signer, verifier)
	memos.Checkpoints = checkpoints
	go checkpoints.Run(ctx, cfg.CheckpointEvery, log)
	notifier, err := notificationWorker(cfg, db, log)
	if err != nil {
		return err
	}
	notifierCtx, stopNotifier := context.WithCancel(ctx)
	notifierDone := make(chan struct{})
	go func() { defer close(notifierDone); notifier.Run(notifierCtx, cfg.NotifyEvery) }()
	// Stop the worker before the pool closes, however serve ends: it
	// finishes the e-mail it is sending and hands the rest of its claim back.
	defer func() { stopNotifier(); <-notifierDone }()
	api := httpapi.New(httpapi.Services{
		Auth:        postgres.NewAuthService(db),
		Users:       postgres.NewUserService(db),
		Teams:       teams,
		Custodians:  catalogue,
		Templates:   catalogue,
		Audit:       postgres.NewAuditService(db),
		Evaluations: evaluations,
		Memos:       memos,
		Authz:       authorizer,
		Ready:       db.Ping,

		Relationships: postgres.NewRelationshipService(db),
		Exports:       postgres.NewExportService(db, evaluations),
		Assurance:     postgres.NewAssuranceService(db),
		Notifications: postgres.NewNotificationService(db),

		// With SMTP each new invitation's link is also e-mailed to its
		// contact through the outbox; without, the officer passes it on.
		Invitations: postgres.NewInvitationService(db, evaluations).EmailInvitations(cfg.SMTPURL != "").
			LimitUploads(custos.UploadAllowance{MaxDocuments: cfg.RespondentMaxDocuments, MaxBytes: cfg.RespondentMaxBytes}),
	}, httpapi.Config{MaxBodyBytes: cfg.MaxBodyBytes, SecureCookies: cfg.SecureCookies, Frontend: frontend.Dist(), Metrics: reg,
		TrustedProxies: cfg.TrustedProxies, RequestTimeout: cfg.RequestTimeout, SSO: singleSignOn(cfg, db, log)}, log)

	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Listen before logging, so that the log names the real address (with
	// port 0 the kernel picks one; the tests rely on that).
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("CUSTOS_METRICS_ADDR: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", api.MetricsHandler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		log.Info("metrics are served apart from the API", "url", "http://"+mln.Addr().String()+"/metrics")
		go func() { errc <- metricsSrv.Serve(mln) }()
	} else {
		log.Info("metrics are off (CUSTOS_METRICS_ADDR=off)")
	}
	go func() {
		scheme := "http"
		if cfg.TLSCert != "" {
			scheme = "https"
		}
		log.Info("custos is listening", "url", scheme+"://"+ln.Addr().String())
		if cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if metricsSrv != nil {
		metricsSrv.Close()
	}
	log.Info("shutting down: letting requests in flight finish", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// notificationWorker is the delivery worker: in-app notifications always,
// e-mail when CUSTOS_SMTP_URL is set. The log says which.
func notificationWorker(cfg config.Config, db *postgres.DB, log *slog.Logger) (*notify.Worker, error) {
	w := &notify.Worker{Outbox: postgres.NewOutbox(db), BaseURL: cfg.PublicURL, Log: log}
	if cfg.SMTPURL == "" {
		log.Info("notifications: in-app only; e-mail is off (set CUSTOS_SMTP_URL to send e-mail)")
		return w, nil
	}
	mailer, err := notify.ParseSMTPURL(cfg.SMTPURL)
	if err != nil {
		// The URL may hold a password: the message names the problem, not the URL.
		return nil, fmt.Errorf("CUSTOS_SMTP_URL: %w", err)
	}
	w.Mailer = mailer
	log.Info("notifications: in-app and e-mail", "smtp_server", mailer.Host, "links_to", cfg.PublicURL)
	return w, nil
}

// memoSigner loads the memo signing key: from the PKCS#11 token when one
// is configured, else from the PEM files; with the TSA when one is.
// singleSignOn wires the OpenID Connect provider when one is configured.
func singleSignOn(cfg config.Config, db *postgres.DB, log *slog.Logger) httpapi.SSOConfig {
	sso := httpapi.SSOConfig{Store: postgres.NewSSOService(db), PasswordsOff: !cfg.LocalPasswords, BreakGlassAdmin: cfg.BreakGlassAdmin}
	if cfg.OIDC.Issuer == "" {
		return sso
	}
	o := cfg.OIDC
	sso.Client = oidc.NewClient(oidc.Config{Issuer: o.Issuer, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		RedirectURL: o.RedirectURL, DisplayName: o.DisplayName, CreateUsers: o.CreateUsers, RoleClaim: o.RoleClaim,
		RoleMap: o.RoleMap}, db.Now)
	// The secret is never logged; the rest says what sign-in offers.
	log.Info("single sign-on is on", "issuer", o.Issuer, "client_id", o.ClientID, "redirect_url", o.RedirectURL,
		"create_users", o.CreateUsers, "role_claim", o.RoleClaim, "mapped_values", len(o.RoleMap), "local_passwords", cfg.LocalPasswords)
	return sso
}

func memoSigner(cfg config.Config, log *slog.Logger) (*signing.Signer, func(), error) {
	var signer *signing.Signer
	closeSigner := func() {}
	var err error
	if cfg.PKCS11Module != "" {
		token, terr := signing.OpenToken(signing.TokenConfig{Module: cfg.PKCS11Module, TokenLabel: cfg.PKCS11Token, PIN: cfg.PKCS11PIN})
		if terr != nil {
			return nil, nil, fmt.Errorf("memo signing key: %w", terr)
		}
		closeSigner = func() { token.Close() }
		signer, err = signing.LoadTokenSigner(token, cfg.PKCS11KeyLabel, cfg.SigningCert, cfg.SigningGenerate, time.Now())
		if err != nil {
			token.Close()
			return nil, nil, fmt.Errorf("memo signing key: %w (set CUSTOS_SIGNING_CERT to the certificate of the token's key)", err)
		}
		log.Info("memos are signed with a key in a PKCS#11 token", "module", cfg.PKCS11Module, "token", cfg.PKCS11Token, "key_label", cfg.PKCS11KeyLabel)
	} else {
		signer, err = signing.LoadOrCreate(cfg.SigningCert, cfg.SigningKey, cfg.SigningGenerate, time.Now())
		if err != nil {
			return nil, nil, fmt.Errorf("memo signing key: %w (set CUSTOS_SIGNING_CERT and CUSTOS_SIGNING_KEY, or CUSTOS_SIGNING_GENERATE=true in development)", err)
		}
	}
	log.Info("memos are signed", "certificate", cfg.SigningCert, "subject", signer.Certificate().Subject.String(), "fingerprint", signer.Fingerprint())
	signer.TSAURL = cfg.TSAURL
	if cfg.TSAURL == "" {
		log.Warn("memos are signed WITHOUT a trusted timestamp: no time-stamping authority is configured (CUSTOS_TSA_URL), so a memo's time of signing is only the server's claim")
	} else {
		log.Info("memo signatures carry RFC 3161 timestamps", "tsa", cfg.TSAURL)
	}
	return signer, closeSigner, nil
}
