package celenv

import (
	"fmt"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/parser"

	exprpb "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
)

var (
	prattOnce sync.Once
	pratt     *parser.Parser
	prattErr  error
)

// prattParser is cel-go's Pratt parser configured like the base
// environment's own (ANTLR) parser: the same macros and optional syntax.
// It parses the same trees — TestPrattMatchesANTLR compares them node
// for node — in about a third of the time, and lint parses every handoff
// rule of every spec (issue 19). cel.Env has no option that selects it,
// so it is built here beside the environment.
func prattParser() (*parser.Parser, error) {
	prattOnce.Do(func() {
		b, err := base()
		if err != nil {
			prattErr = err
			return
		}
		pratt, prattErr = parser.NewParser(
			parser.Macros(b.Macros()...),
			parser.EnableOptionalSyntax(true),
			parser.EnablePrattParser(true),
		)
	})
	return pratt, prattErr
}

// Parse parses one expression with the Pratt parser. The result is checked
// with e.CEL.Check as if e.CEL.Parse had made it; the issues are the Pratt
// parser's (compiler/check words them for spec authors).
func (e *Env) Parse(text string) (*cel.Ast, *cel.Issues) {
	p, err := prattParser()
	if err != nil {
		return nil, cel.ErrorAsIssues(fmt.Errorf("build the CEL parser: %w", err))
	}
	src := common.NewTextSource(text)
	parsed, errs := p.Parse(src)
	if len(errs.GetErrors()) > 0 {
		return nil, cel.NewIssues(errs)
	}
	// cel.Ast can only be made from its protobuf form outside cel-go.
	expr, err := ast.ExprToProto(parsed.Expr())
	if err != nil {
		return nil, cel.ErrorAsIssues(fmt.Errorf("convert the parsed CEL expression: %w", err))
	}
	info, err := ast.SourceInfoToProto(parsed.SourceInfo())
	if err != nil {
		return nil, cel.ErrorAsIssues(fmt.Errorf("convert the parsed CEL expression: %w", err))
	}
	out := cel.ParsedExprToAstWithSource(&exprpb.ParsedExpr{Expr: expr, SourceInfo: info}, src)
	// The protobuf form keeps where each node starts, not where it ends;
	// findings mark whole nodes (compiler/celpos).
	outInfo := out.NativeRep().SourceInfo()
	for id, r := range parsed.SourceInfo().OffsetRanges() {
		outInfo.SetOffsetRange(id, r)
	}
	return out, nil
}

// Compile parses text with Parse and type-checks it in the environment.
func (e *Env) Compile(text string) (*cel.Ast, *cel.Issues) {
	parsed, iss := e.Parse(text)
	if iss.Err() != nil {
		return nil, iss
	}
	return e.CEL.Check(parsed)
}
