package custos

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who signs in to Custos.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Disabled  bool      `json:"disabled"`
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
}

// UserUpdate changes an account; nil fields stay as they are.
type UserUpdate struct {
	Name     *string
	Disabled *bool
	Password *string
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

func validPassword(p *Problems, field, pw string) {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		p.Add(field, "must be at least 12 characters")
	} else if len(pw) > 256 {
		p.Add(field, "must be at most 256 bytes")
	}
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
	validPassword(&p, "password", u.Password)
	return p.Err()
}

// Validate checks an update.
func (u *UserUpdate) Validate() error {
	var p Problems
	if u.Name != nil {
		name := strings.TrimSpace(*u.Name)
		u.Name = &name
		validName(&p, "name", name, 200)
	}
	if u.Password != nil {
		validPassword(&p, "password", *u.Password)
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
	RemoveMember(ctx context.Context, teamID, userID int64, role Role) error
	// AllMemberships feeds the authorizer.
	AllMemberships(ctx context.Context) ([]Membership, error)
}
