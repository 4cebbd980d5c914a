package custos

import "context"

// Actor is who is making a request: a signed-in user, or nobody.
type Actor struct {
	UserID int64
	Email  string
	// ReadOnly is set for requests authenticated by a read-only API token.
	ReadOnly bool
	// SessionID is set for cookie sessions, TokenID for API tokens.
	SessionID int64
	TokenID   int64
	// InvitationID is set for a custodian's respondent, who has no account
	// and is known only by the invitation its link carries.
	InvitationID int64
}

type actorKey struct{}
type requestIDKey struct{}
type clientAddrKey struct{}

// WithClientAddr returns a context carrying the client's address, which
// password checks are throttled by.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

// ClientAddrFrom returns the client address in ctx, or "".
func ClientAddrFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

type clientRequestIDKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, the zero Actor when anonymous.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// WithRequestID returns a context carrying the request ID, which audit events record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// WithClientRequestID returns a context carrying the X-Request-ID the client
// sent, which audit events record beside the server's own request ID.
func WithClientRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, clientRequestIDKey{}, id)
}

// ClientRequestIDFrom returns the client's request ID in ctx, or "".
func ClientRequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(clientRequestIDKey{}).(string)
	return id
}

// RequestIDFrom returns the request ID in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
