package custos

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// User is a person who signs in to Custos.
type User struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Disabled bool   `json:"disabled"`
	// OrgAdmin administers the organisation: users, teams, the catalogue,
	// templates and the whole audit trail. A team's admin role reaches only
	// that team.
	OrgAdmin  bool      `json:"org_admin"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Team is a group that runs evaluations together; roles hold inside a team.
type Team struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	ApprovalsRequired int       `json:"approvals_required"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Membership gives a user a role in a team.
type Membership struct {
	TeamID    int64     `json:"team_id"`
	TeamName  string    `json:"team_name"`
	UserID    int64     `json:"user_id"`
	UserEmail string    `json:"user_email"`
	UserName  string    `json:"user_name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// NewUser is what an admin gives to create an account.
type NewUser struct {
	Email    string
	Name     string
	Password string
	OrgAdmin bool
}

// UserUpdate changes an account; nil fields stay as they are.
type UserUpdate struct {
	Name     *string
	Disabled *bool
	Password *string
	OrgAdmin *bool
}

// TeamUpdate changes a team; nil fields stay as they are.
type TeamUpdate struct {
	Name              *string
	ApprovalsRequired *int
}

// MinPasswordLength follows NIST SP 800-63B for passwords chosen by users.
const MinPasswordLength = 12

// NormalizeEmail returns the form in which addresses are stored and compared.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(p *Problems, field, email string) {
	if email == "" {
		p.Add(field, "is required")
		return
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		p.Add(field, "is not an e-mail address")
	}
}

// MinPasswordScore is the least zxcvbn score (0-4) a new password needs:
// 3 is "safely unguessable" against an offline attack on a slow hash.
const MinPasswordScore = 3

// validPassword refuses passwords that are short, common or guessable.
// related are words of the account (its address, its name) that a guesser
// would try first.
func validPassword(p *Problems, field, pw string, related ...string) {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		p.Add(field, "must be at least 12 characters")
		return
	} else if len(pw) > 256 {
		p.Add(field, "must be at most 256 bytes")
		return
	}
	var inputs []string
	for _, r := range related {
		if r = strings.TrimSpace(r); r != "" {
			inputs = append(inputs, r)
			// The parts of an address and a name are guessed on their own too.
			inputs = append(inputs, strings.FieldsFunc(r, func(c rune) bool { return strings.ContainsRune("@.-_+ ", c) })...)
		}
	}
	if res := zxcvbn.PasswordStrength(pw, inputs); res.Score < MinPasswordScore {
		p.Add(field, "is too common or too easy to guess (a known password, a word, a sequence, a repetition or your own name or address); use a longer phrase of unrelated words")
	}
}

// CheckNewPassword applies the password policy to a password chosen for the
// account with the given address and name; the CLI checks its input with it.
func CheckNewPassword(field, pw string, related ...string) error {
	var p Problems
	validPassword(&p, field, pw, related...)
	return p.Err()
}

func validName(p *Problems, field, name string, max int) {
	if strings.TrimSpace(name) == "" {
		p.Add(field, "is required")
	} else if utf8.RuneCountInString(name) > max {
		p.Add(field, "is too long")
	}
}

// Validate checks a new user, normalising the address.
func (u *NewUser) Validate() error {
	var p Problems
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	validEmail(&p, "email", u.Email)
	validName(&p, "name", u.Name, 200)
	validPassword(&p, "password", u.Password, u.Email, u.Name)
	return p.Err()
}

// Validate checks an update. related are the account's address and name,
// which a new password must not be built from.
func (u *UserUpdate) Validate(related ...string) error {
	var p Problems
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		u.Name = &name
		validName(&p, "name", name, 200)
	}
	if u.Password != nil {
		validPassword(&p, "password", *u.Password, related...)
	}
	return p.Err()
}

// NormalizeTeamName returns the checked, trimmed name of a team.
func NormalizeTeamName(name string) (string, error) {
	var p Problems
	name = strings.TrimSpace(name)
	validName(&p, "name", name, 200)
	return name, p.Err()
}

// Validate checks a team update.
func (u *TeamUpdate) Validate() error {
	var p Problems
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		u.Name = &name
		validName(&p, "name", name, 200)
	}
	if u.ApprovalsRequired != nil && (*u.ApprovalsRequired < 1 || *u.ApprovalsRequired > 10) {
		p.Add("approvals_required", "must be between 1 and 10")
	}
	return p.Err()
}

// UserService manages accounts.
type UserService interface {
	CreateUser(ctx context.Context, u NewUser) (*User, error)
	FindUser(ctx context.Context, id int64) (*User, error)
	ListUsers(ctx context.Context) ([]*User, error)
	UpdateUser(ctx context.Context, id int64, u UserUpdate) (*User, error)
}

// TeamService manages teams and memberships.
type TeamService interface {
	CreateTeam(ctx context.Context, name string) (*Team, error)
	FindTeam(ctx context.Context, id int64) (*Team, error)
	ListTeams(ctx context.Context) ([]*Team, error)
	UpdateTeam(ctx context.Context, id int64, u TeamUpdate) (*Team, error)
	ListMembers(ctx context.Context, teamID int64) ([]Membership, error)
	UserMemberships(ctx context.Context, userID int64) ([]Membership, error)
	AddMember(ctx context.Context, teamID, userID int64, role Role) (*Membership, error)
	// AddMemberByEmail is AddMember naming the user by e-mail address, the
	// way a team admin (who cannot list accounts) adds someone.
	AddMemberByEmail(ctx context.Context, teamID int64, email string, role Role) (*Membership, error)
	RemoveMember(ctx context.Context, teamID, userID int64, role Role) error
	// AllMemberships feeds the authorizer.
	AllMemberships(ctx context.Context) ([]Membership, error)
}

// ErrNotAddable is the one answer to a membership naming an account that
// cannot be added: unknown, disabled, or (for a team admin naming a user ID)
// outside the team. One answer for all, so that walking IDs or addresses
// tells a team admin nothing about accounts they do not already know.
func ErrNotAddable(field string) error {
	return Invalid(field, "names no account that can be added to this team")
}

// CheckMembershipChange says whether an actor may grant or take away a role.
// An organisation admin (or the command line) may change any membership. A
// team admin may give others the officer, manager and auditor roles of their
// team, but never change their own memberships (a team admin making
// themselves manager could approve what they administer) and never grant or
// take away the admin role: only an organisation admin does.
func CheckMembershipChange(byOrgAdmin bool, actorID, userID int64, role Role) error {
	if byOrgAdmin || actorID == 0 {
		return nil
	}
	if actorID == userID {
		return Errorf(EFORBIDDEN, "a team admin cannot change their own memberships: an organisation admin can")
	}
	if role == RoleAdmin {
		return Errorf(EFORBIDDEN, "only an organisation admin grants or takes away the admin role")
	}
	return nil
}
