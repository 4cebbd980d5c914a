// Command custos runs the Custos server and its administration tasks.
package main

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/custos-dd/custos/frontend"
	"github.com/custos-dd/custos/internal/authz"
	"github.com/custos-dd/custos/internal/config"
	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/httpapi"
	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/oidc"
	"github.com/custos-dd/custos/internal/postgres"
	"github.com/custos-dd/custos/internal/signing"
)

const usage = `custos: due-diligence workflow for choosing a crypto custodian

usage:
  custos serve                  run the HTTP server (custos serve --help lists its settings)
  custos migrate                apply database migrations
  custos seed                   add the demo teams and accounts (password: CUSTOS_DEMO_PASSWORD, or generated)
  custos user add --email E --name N [--org-admin]   create an account (password from CUSTOS_PASSWORD, or generated)
  custos team add --name N      create a team
  custos member add --team T --email E --role R   give a user a role (officer, manager, auditor, admin) in a team; admin runs that team only
  custos audit verify [--full]  check the audit chain since the last verification (--full: from the first event); name the first broken event
  custos audit export [--out FILE]   write the trail and its signed checkpoints as a bundle (JSON lines)
  custos audit verify --bundle FILE --cert ORG.crt [--memo M.pdf]   check a bundle offline: chain, signed checkpoints, memos' audit heads
  custos memo verify FILE       is FILE an unaltered memo that Custos issued? (reads CUSTOS_SIGNING_CERT)
  custos healthcheck            exit 0 if the server at CUSTOS_ADDR is ready (for container probes)
  custos memo certs             print every certificate that has signed memos (PEM): the ORG.crt for auditors
  custos memo verify --offline --cert ORG.crt [--tsa-cert TSA.crt] FILE
                                the same from the file and the organisation's certificates alone, no database

Every command reads DATABASE_URL.
`

// commandUsage is what `custos COMMAND --help` prints (serve lists its
// settings itself).
var commandUsage = map[string]string{
	"migrate": "usage: custos migrate\n\nApply the embedded SQL migrations to the database at DATABASE_URL.\n",
	"seed": "usage: custos seed\n\nAdd the demo teams, accounts and evaluations. The password is CUSTOS_DEMO_PASSWORD,\n" +
		"or one generated and printed. Reads DATABASE_URL.\n",
	"user add": "usage: custos user add --email E --name N\n\nCreate an account. The password is CUSTOS_PASSWORD, or one generated and printed.\n\n" +
		"  --email E   e-mail address (the login)\n  --name N    full name\n",
	"team add": "usage: custos team add --name N\n\nCreate a team.\n\n  --name N    team name\n",
	"member add": "usage: custos member add --team T --email E --role R\n\nGive a user a role in a team.\n\n" +
		"  --team T    team name or ID\n  --email E   the user's e-mail address\n  --role R    officer, manager, auditor or admin\n",
	"audit verify": "usage: custos audit verify [--full]\n\nCheck the events appended since the last successful verification (and that the event\n" +
		"verified last is unchanged); --full walks the whole chain. Exit 1 and name the first broken event.\n",
	"memo verify": "usage: custos memo verify FILE\n\nIs FILE an unaltered memo that Custos issued? Exit 1 if not.\n" +
		"Reads CUSTOS_SIGNING_CERT (the organisation's certificate) and DATABASE_URL.\n",
	"user":   "usage: custos user add --email E --name N   (custos user add --help)\n",
	"team":   "usage: custos team add --name N   (custos team add --help)\n",
	"member": "usage: custos member add --team T --email E --role R   (custos member add --help)\n",
	"audit":  "usage: custos audit verify   (custos audit verify --help)\n",
	"memo":   "usage: custos memo verify FILE   (custos memo verify --help)\n",
}

// asksForHelp reports whether args (after the command) hold -h or --help.
func asksForHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Getenv); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(int(ee)) // the command has said why
		}
		fmt.Fprintln(os.Stderr, "custos:", err)
		os.Exit(1)
	}
}

type exitError int

func (e exitError) Error() string { return "exit " + strconv.Itoa(int(e)) }

func run(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(out, usage)
		return exitError(2)
	}
	cmd := args[0]
	if len(args) > 1 && (cmd == "user" || cmd == "team" || cmd == "member" || cmd == "audit" || cmd == "memo") && !asksForHelp(args[1:2]) {
		cmd += " " + args[1]
		args = args[1:]
	}
	if help, ok := commandUsage[cmd]; ok && (asksForHelp(args[1:]) || !strings.Contains(cmd, " ") && cmd != "migrate" && cmd != "seed") {
		// A command group alone ("custos memo") or any command with --help
		// prints its usage instead of reading --help as an argument.
		fmt.Fprint(out, help)
		if asksForHelp(args[1:]) {
			return nil
		}
		return exitError(2)
	}
	switch cmd {
	case "serve":
		return serve(ctx, args[1:], out, getenv)
	case "migrate":
		return migrate(ctx, out, getenv)
	case "seed":
		return seed(ctx, out, getenv)
	case "user add":
		return userAdd(ctx, args[1:], out, getenv)
	case "team add":
		return teamAdd(ctx, args[1:], out, getenv)
	case "member add":
		return memberAdd(ctx, args[1:], out, getenv)
	case "audit verify":
		if len(args) == 2 && args[1] == "--full" {
			return auditVerify(ctx, out, getenv, true)
		}
		if len(args) > 1 {
			return auditVerifyBundle(args[1:], out)
		}
		return auditVerify(ctx, out, getenv, false)
	case "audit export":
		return auditExport(ctx, args[1:], out, getenv)
	case "memo verify":
		return memoVerify(ctx, args[1:], out, getenv)
	case "healthcheck":
		return healthcheck(ctx, out, getenv)
	case "memo certs":
		return memoCerts(ctx, out, getenv)
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	}
	fmt.Fprint(out, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// cliContext marks writes made from the command line in the audit trail.
func cliContext(ctx context.Context) context.Context {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	return custos.WithActor(ctx, custos.Actor{Email: "cli:" + name})
}

func openDB(ctx context.Context, getenv func(string) string) (*postgres.DB, error) {
	url := getenv("DATABASE_URL")
	if url == "" {
		return nil, errors.New("DATABASE_URL is not set; point it at a PostgreSQL database")
	}
	return postgres.Open(ctx, url, 4)
}

func migrate(ctx context.Context, out io.Writer, getenv func(string) string) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := postgres.Migrate(ctx, db.SQL())
	for _, name := range applied {
		fmt.Fprintln(out, "applied", name)
	}
	if err == nil && len(applied) == 0 {
		fmt.Fprintln(out, "the database is up to date")
	}
	return err
}

func randomPassword() string {
	b := make([]byte, 12)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func seed(ctx context.Context, out io.Writer, getenv func(string) string) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	password := getenv("CUSTOS_DEMO_PASSWORD")
	if password == "" {
		password = randomPassword()
	} else if err := custos.CheckNewPassword("CUSTOS_DEMO_PASSWORD", password); err != nil {
		return describe(err)
	}
	users, teams := postgres.NewUserService(db), postgres.NewTeamService(db)
	if err := demo.Seed(cliContext(ctx), users, teams, password); err != nil {
		return err
	}
	if err := demo.SeedEvaluations(cliContext(ctx), users, teams, postgres.NewCatalogueService(db), postgres.NewEvaluationService(db)); err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo logins (every one with the password below):")
	for _, l := range demo.Logins {
		fmt.Fprintf(out, "  %-28s %s\n", l.Email, l.Describe())
	}
	fmt.Fprintf(out, "Password: %s\n", password)
	fmt.Fprintf(out, "Demo evaluations in %s: %q (submitted, awaiting a manager's approval) and %q (a fresh draft).\n",
		demo.TreasuryTeam, demo.SubmittedTitle, demo.DraftTitle)
	return nil
}

func userAdd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	orgAdmin := fs.Bool("org-admin", false, "make the user an organisation admin (users, teams, catalogue, templates, the whole audit trail)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	password, generated := getenv("CUSTOS_PASSWORD"), false
	if password == "" {
		password, generated = randomPassword(), true
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := postgres.NewUserService(db).CreateUser(cliContext(ctx), custos.NewUser{Email: *email, Name: *name, Password: password, OrgAdmin: *orgAdmin})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "created user %d <%s>\n", u.ID, u.Email)
	if generated {
		fmt.Fprintf(out, "password: %s\n", password)
	}
	return nil
}

func teamAdd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("team add", flag.ContinueOnError)
	name := fs.String("name", "", "team name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := postgres.NewTeamService(db).CreateTeam(cliContext(ctx), *name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "created team %d %q\n", t.ID, t.Name)
	return nil
}

func memberAdd(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("member add", flag.ContinueOnError)
	teamName := fs.String("team", "", "team name or ID")
	email := fs.String("email", "", "the user's e-mail address")
	role := fs.String("role", "", "officer, manager, auditor or admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	teams := postgres.NewTeamService(db)
	var team *custos.Team
	if id, perr := strconv.ParseInt(*teamName, 10, 64); perr == nil {
		team, err = teams.FindTeam(ctx, id)
	} else {
		team, err = teams.FindTeamByName(ctx, *teamName)
	}
	if err != nil {
		return describe(err)
	}
	u, err := postgres.NewUserService(db).FindUserByEmail(ctx, *email)
	if err != nil {
		return describe(err)
	}
	if _, err := teams.AddMember(cliContext(ctx), team.ID, u.ID, custos.Role(*role)); err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "%s is now %s in %s\n", u.Email, *role, team.Name)
	return nil
}

func auditVerify(ctx context.Context, out io.Writer, getenv func(string) string, whole bool) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	verify := postgres.NewAuditService(db).VerifyAuditChainSince
	if whole {
		verify = postgres.NewAuditService(db).VerifyAuditChain
	}
	r, err := verify(ctx)
	if err != nil {
		return err
	}
	if !r.Valid {
		fmt.Fprintf(out, "BROKEN at event %d: %s (%d events verified before it)\n", r.Broken.Seq, r.Broken.Reason, r.Checked)
		return exitError(1)
	}
	fmt.Fprintf(out, "OK: %d events verified; head %d %x\n", r.Checked, r.HeadSeq, []byte(r.HeadHash))
	return nil
}

// describe turns a domain error into a message for the terminal.
func describe(err error) error {
	e := custos.AsError(err)
	if e.Code == custos.EINTERNAL {
		return err
	}
	msg := e.Message
	for _, f := range e.Fields {
		msg += fmt.Sprintf("; %s %s", f.Field, f.Reason)
	}
	return errors.New(msg)
}

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

	teams := postgres.NewTeamService(db)
	authorizer, err := authz.New(ctx, teams, log)
	if err != nil {
		return fmt.Errorf("load authorization policy: %w (has `custos migrate` run?)", err)
	}
	go authorizer.Follow(ctx, cfg.DatabaseURL, postgres.AuthzChannel, time.Minute)

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

// memoVerify checks a PDF file: signature, byte range, signer and registry.
func memoVerify(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "-") {
		return memoVerifyOffline(args, out)
	}
	if len(args) != 1 {
		return errors.New("usage: custos memo verify FILE, or custos memo verify --offline --cert ORG.crt FILE")
	}
	pdf, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	certPath := getenv("CUSTOS_SIGNING_CERT")
	if certPath == "" {
		certPath = "signing/memo-signing.crt"
	}
	pem, err := os.ReadFile(certPath)
	if err != nil {
		return fmt.Errorf("the organisation's signing certificate (CUSTOS_SIGNING_CERT): %w", err)
	}
	certs, err := signing.ParseCertificatesPEM(pem)
	if err != nil {
		return fmt.Errorf("%s: %w", certPath, err)
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	// Memos signed with any key the organisation has used verify (rotation).
	verifier := signing.Verifier{Trusted: certs[0]}
	known, err := postgres.NewCheckpointService(db, nil).SigningCertificates(ctx)
	if err != nil {
		return describe(err)
	}
	for _, k := range known {
		verifier.Earlier = append(verifier.Earlier, k.Cert)
	}
	svc := postgres.NewMemoService(db, nil, nil, nil, verifier)
	v, err := svc.VerifyMemo(ctx, pdf)
	if err != nil {
		return describe(err)
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	fmt.Fprintf(out, "file:                      %s (%d bytes, SHA-256 %x)\n", args[0], len(pdf), []byte(v.SHA256))
	fmt.Fprintf(out, "signature valid:           %s\n", yes(v.Signature.Valid))
	fmt.Fprintf(out, "covers the whole file:     %s\n", yes(v.Signature.CoversWholeFile))
	fmt.Fprintf(out, "signed by our certificate: %s\n", yes(v.Signature.OurCertificate))
	fmt.Fprintf(out, "issued by Custos:          %s\n", yes(v.Memo != nil))
	if k := v.SigningKey; k != nil {
		until := "now"
		if k.InUseUntil != nil {
			until = k.InUseUntil.Format(time.RFC3339)
		}
		fmt.Fprintf(out, "signing key:               %s (fingerprint %s), in use from %s until %s\n", k.Subject, k.Fingerprint, k.InUseFrom.Format(time.RFC3339), until)
		fmt.Fprintf(out, "the current key then:      %s\n", yes(k.CurrentWhenSigned))
	}
	if v.Memo != nil {
		fmt.Fprintf(out, "memo %d of evaluation %d %q, issued %s\n", v.Memo.ID, v.Memo.EvaluationID, v.Memo.Title, v.Memo.IssuedAt.Format(time.RFC3339))
		for _, a := range v.Approvals {
			fmt.Fprintf(out, "  approved by %s at %s (snapshot %x)\n", a.ManagerName, a.CreatedAt.Format(time.RFC3339), []byte(a.SnapshotHash))
		}
	}
	if v.Genuine {
		fmt.Fprintln(out, "GENUINE: an unaltered memo issued by Custos")
		return nil
	}
	fmt.Fprintln(out, "NOT GENUINE:")
	for _, r := range v.Reasons {
		fmt.Fprintln(out, "  - "+r)
	}
	return exitError(1)
}

// memoVerifyOffline checks a memo with nothing but the file and the
// organisation's certificates (every one it has signed with, in one PEM
// file): signature, byte range, signer, timestamp, certificate validity at
// signing, and the manifest inside the signed bytes, which it prints.
func memoVerifyOffline(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("memo verify", flag.ContinueOnError)
	fs.SetOutput(out)
	offline := fs.Bool("offline", false, "verify without any database (required with --cert)")
	certPath := fs.String("cert", "", "PEM file of the organisation's signing certificates (every one it has used)")
	tsaPath := fs.String("tsa-cert", "", "PEM file of the trusted time-stamping authorities (without it a timestamp is reported as unverified and proves nothing)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*offline || *certPath == "" || fs.NArg() != 1 {
		return errors.New("usage: custos memo verify --offline --cert ORG.crt [--tsa-cert TSA.crt] FILE")
	}
	readCerts := func(path string) ([]*x509.Certificate, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		certs, err := signing.ParseCertificatesPEM(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return certs, nil
	}
	certs, err := readCerts(*certPath)
	if err != nil {
		return err
	}
	v := signing.Verifier{Earlier: certs}
	if *tsaPath != "" {
		if v.TSAs, err = readCerts(*tsaPath); err != nil {
			return err
		}
	}
	doc, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	verdict := memo.VerifyOffline(doc, v)
	printOfflineVerdict(out, fs.Arg(0), verdict)
	if verdict.Genuine {
		return nil
	}
	return exitError(1)
}

func printOfflineVerdict(out io.Writer, name string, v *memo.OfflineVerdict) {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "NO"
	}
	r := v.Signature
	fmt.Fprintf(out, "file:                          %s (%d bytes, SHA-256 %x)\n", name, v.Size, v.SHA256)
	fmt.Fprintf(out, "signature valid:               %s\n", yes(r.Valid))
	fmt.Fprintf(out, "covers the whole file:         %s\n", yes(r.CoversWholeFile))
	if r.Signer != nil {
		fmt.Fprintf(out, "signer:                        %s (fingerprint %s)\n", r.Signer.Subject.String(), r.SignerFingerprint)
		fmt.Fprintf(out, "signer's certificate valid:    %s to %s\n", r.Signer.NotBefore.UTC().Format(time.RFC3339), r.Signer.NotAfter.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(out, "an organisation certificate:   %s\n", yes(r.OurCertificate))
	switch {
	case r.Timestamp != nil && r.Timestamp.TSA != nil:
		fmt.Fprintf(out, "timestamp (RFC 3161):          %s by %s (fingerprint %s); covers the signature: %s; trusted TSA: %s\n",
			r.Timestamp.Time.Format(time.RFC3339), r.Timestamp.TSA.Subject.String(), signing.Fingerprint(r.Timestamp.TSA), yes(r.Timestamp.Valid), yes(r.Timestamp.Trusted))
	case r.Timestamp != nil:
		fmt.Fprintf(out, "timestamp (RFC 3161):          present but unreadable\n")
	case r.Valid:
		fmt.Fprintf(out, "timestamp (RFC 3161):          none: the time of signing below is the signer's own claim\n")
	}
	if !r.SignedAt.IsZero() {
		source := "claimed by the signer"
		if r.Timestamp != nil && r.Timestamp.Valid && !r.Timestamp.Trusted {
			source = "claimed by the signer; unverified timestamp, not proof"
		}
		if r.TimeTrusted {
			source = "proven by the timestamp"
		}
		fmt.Fprintf(out, "signed at:                     %s (%s)\n", r.SignedAt.Format(time.RFC3339), source)
	}
	if v.Manifest != nil {
		fmt.Fprintf(out, "manifest (%s, inside the signed bytes):\n%s\n", memo.ManifestFile, v.ManifestJSON)
	}
	for _, w := range v.Warnings {
		fmt.Fprintf(out, "WARNING: %s\n", w)
	}
	if v.Genuine {
		fmt.Fprintln(out, "GENUINE: an unaltered memo signed with the organisation's key, verified offline")
		return
	}
	fmt.Fprintln(out, "NOT GENUINE:")
	for _, reason := range v.Reasons {
		fmt.Fprintln(out, "  - "+reason)
	}
}

// auditExport writes the audit bundle: the whole trail and the checkpoints
// the server has signed (at each memo and hourly). It needs the database,
// not the signing key.
func auditExport(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	fs.SetOutput(out)
	file := fs.String("out", "", "write the bundle to this file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	w := out
	if *file != "" {
		f, err := os.OpenFile(*file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := postgres.NewCheckpointService(db, nil).ExportBundle(ctx, w); err != nil {
		return err
	}
	if *file != "" {
		fmt.Fprintf(out, "wrote %s\n", *file)
	}
	return nil
}

// auditVerifyBundle checks an audit bundle with nothing but the file and
// the organisation's certificates.
func auditVerifyBundle(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(out)
	bundle := fs.String("bundle", "", "the bundle written by custos audit export")
	certPath := fs.String("cert", "", "PEM file of the organisation's signing certificates")
	var memos []string
	fs.Func("memo", "a memo PDF whose manifest's audit head the bundle must hold (repeatable): anchors a bundle cut after its last checkpoint", func(p string) error {
		memos = append(memos, p)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bundle == "" || *certPath == "" {
		return errors.New("usage: custos audit verify --bundle FILE --cert ORG.crt [--memo MEMO.pdf ...]")
	}
	b, err := os.ReadFile(*certPath)
	if err != nil {
		return err
	}
	certs, err := signing.ParseCertificatesPEM(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *certPath, err)
	}
	f, err := os.Open(*bundle)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := signing.VerifyBundle(f, certs)
	if err != nil {
		return err
	}
	for _, p := range memos {
		doc, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		v := memo.VerifyOffline(doc, signing.Verifier{Earlier: certs})
		if !v.Genuine {
			rep.Problems = append(rep.Problems, fmt.Sprintf("memo %s is not genuine, so it anchors nothing: %s", p, strings.Join(v.Reasons, "; ")))
			continue
		}
		head, err := hex.DecodeString(v.Manifest.AuditHead.SHA256)
		if err != nil {
			rep.Problems = append(rep.Problems, fmt.Sprintf("memo %s: its manifest's audit head is not hexadecimal", p))
			continue
		}
		rep.CheckAnchor("memo "+p, v.Manifest.AuditHead.Seq, head)
	}
	fmt.Fprintf(out, "events: %d, head %d %x\n", rep.Events, rep.HeadSeq, rep.HeadHash)
	fmt.Fprintf(out, "signed checkpoints: %d\n", rep.Checkpoints)
	if !rep.LastSignedAt.IsZero() {
		// A bundle cut after a checkpoint verifies: only this time (or a
		// memo given with --memo) shows how recent it is.
		fmt.Fprintf(out, "last signed checkpoint:        %s (nothing after it is vouched for by a signature)\n", rep.LastSignedAt.Format(time.RFC3339))
	}
	for _, v := range rep.Verified {
		fmt.Fprintln(out, "  verified: "+v)
	}
	if rep.Uncovered > 0 {
		fmt.Fprintf(out, "events after the last signed checkpoint: %d (the chain covers them; no signature does yet)\n", rep.Uncovered)
	}
	if rep.OK() {
		fmt.Fprintln(out, "OK: the chain holds and every signed checkpoint matches it")
		return nil
	}
	fmt.Fprintln(out, "BROKEN:")
	for _, p := range rep.Problems {
		fmt.Fprintln(out, "  - "+p)
	}
	return exitError(1)
}

// memoCerts prints every certificate the organisation has signed memos
// with, oldest first, each after a line saying when it was in use (text
// outside the PEM blocks, which PEM readers skip): the file auditors pass
// as --cert.
func memoCerts(ctx context.Context, out io.Writer, getenv func(string) string) error {
	db, err := openDB(ctx, getenv)
	if err != nil {
		return err
	}
	defer db.Close()
	certs, err := postgres.NewCheckpointService(db, nil).SigningCertificates(ctx)
	if err != nil {
		return describe(err)
	}
	if len(certs) == 0 {
		return errors.New("no certificate has signed yet (custos serve records its certificate at start)")
	}
	for _, c := range certs {
		until := "now"
		if c.InUseUntil != nil {
			until = c.InUseUntil.Format(time.RFC3339)
		}
		fmt.Fprintf(out, "# %s, SHA-256 %s, in use from %s until %s\n", c.Cert.Subject.String(), signing.Fingerprint(c.Cert), c.InUseFrom.Format(time.RFC3339), until)
		if err := pem.Encode(out, &pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw}); err != nil {
			return err
		}
	}
	return nil
}
