package custos

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// EventTypes must name every type of the package that is an Event, so that
// the store's test over EventTypes sees a new event the day it is added.
func TestEventTypes_ListsEveryEvent(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// Every type with an event() method is an Event (the method is
	// unexported, so no other package can add one).
	var declared []string
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "event" {
				continue
			}
			if id, ok := fn.Recv.List[0].Type.(*ast.Ident); ok {
				declared = append(declared, id.Name)
			}
		}
	}
	var listed []string
	for _, e := range EventTypes() {
		listed = append(listed, reflect.TypeOf(e).Name())
	}
	sort.Strings(declared)
	sort.Strings(listed)
	if len(declared) == 0 {
		t.Fatal("found no event types in the package's source")
	}
	if d := cmp.Diff(declared, listed); d != "" {
		t.Errorf("EventTypes does not list exactly the event types (-declared +listed):\n%s", d)
	}
}
