// Command custos runs the Custos server and its administration tasks.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/custos-dd/custos/internal/custos"
	"github.com/custos-dd/custos/internal/demo"
	"github.com/custos-dd/custos/internal/postgres"
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
	evaluations := postgres.NewEvaluationService(db)
	if err := demo.SeedEvaluations(cliContext(ctx), users, teams, postgres.NewCatalogueService(db), evaluations); err != nil {
		return err
	}
	invitation, err := demo.SeedInvitation(cliContext(ctx), users, teams, evaluations, postgres.NewInvitationService(db, evaluations))
	if err != nil {
		return err
	}
	if err := demo.SeedRelationship(cliContext(ctx), users, teams, postgres.NewCatalogueService(db), postgres.NewEvaluationService(db),
		postgres.NewRelationshipService(db), db.Now()); err != nil {
		return err
	}
	if err := demo.SeedAssurance(cliContext(ctx), users, teams, postgres.NewCatalogueService(db), postgres.NewAssuranceService(db), db.Now()); err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo logins (every one with the password below):")
	for _, l := range demo.Logins {
		fmt.Fprintf(out, "  %-28s %s\n", l.Email, l.Describe())
	}
	fmt.Fprintf(out, "Password: %s\n", password)
	fmt.Fprintf(out, "Demo evaluations in %s: %q (submitted, awaiting a manager's approval) and %q (a fresh draft).\n",
		demo.TreasuryTeam, demo.SubmittedTitle, demo.DraftTitle)
	fmt.Fprintf(out, "Demo relationship: appointed from %q (approved); its yearly review is due in %d days.\n",
		demo.AppointedTitle, demo.ReviewDueInDays)
	if invitation != nil {
		link := invitation.Link
		if addr := getenv("CUSTOS_ADDR"); addr != "" {
			link = "http://" + addr + link
		}
		fmt.Fprintf(out, "Play the custodian: %s answers for %s on %q at this link (new at each seeding, valid %d days):\n  %s\n",
			demo.RespondentName, invitation.Invitation.CustodianName, demo.DraftTitle, custos.DefaultInvitationDays, link)
	}
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
