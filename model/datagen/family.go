// Package datagen generates the labelled command lines ttpscope's default
// model is trained on. Data comes from procedure families: each family is a
// set of templates (or a function) for one way of doing one thing, producing
// many variants through slots (users, hosts, paths, renamed tools),
// launchers (cmd /c, powershell -enc, wmic, schtasks, ssh, ...) and noise
// (casing, carets, quotes, backticks, whitespace). Generation is
// deterministic for a seed. See model/POLICY.md for what each label covers.
package datagen

import (
	"fmt"
	"slices"
	"sort"
)

// Label is a training class.
type Label string

// The four classes. Their order is the model's output order.
const (
	Benign Label = "benign"
	T1003  Label = "T1003.002"
	T1562  Label = "T1562"
	T1134  Label = "T1134"
)

// Labels returns the classes in model output order (id 0..3).
func Labels() []Label { return []Label{Benign, T1003, T1562, T1134} }

// Shell is the syntax a family's text is written in; it decides which
// launchers and noise apply.
type Shell int

// Shells.
const (
	Cmd    Shell = iota // cmd.exe command line
	PS                  // one-line PowerShell
	Sh                  // POSIX shell command line
	Raw                 // tool console (mimikatz, beacon, meterpreter): no launcher
	Script              // multi-line PowerShell script block
)

func (s Shell) String() string {
	switch s {
	case Cmd:
		return "cmd"
	case PS:
		return "powershell"
	case Sh:
		return "sh"
	case Raw:
		return "raw"
	case Script:
		return "script"
	}
	return fmt.Sprintf("shell(%d)", int(s))
}

// Family is one procedure: a named generator of variants of one behaviour.
type Family struct {
	Name     string // unique, "<class-ish prefix>/<procedure>"
	Class    Label
	Platform string // windows, linux, macos, cloud, any
	Shell    Shell
	// Templates are expanded by the template engine; one is picked per
	// sample. Ignored when Gen is set.
	Templates []string
	// Gen, when set, builds the core text itself.
	Gen func(s *sample) string
	// Clean disables noise and truncation (texts whose meaning depends on
	// exact bytes, such as base64 a family builds itself).
	Clean bool
	// KeepValue spares a benign family the damage benignNoise does
	// (truncation, a dropped or doubled character): reversals and the
	// benign side of the paired tables carry their label in a value such
	// damage can erase, and "-DisableArc" cut from "-DisableArchiveScanning
	// $false" must not be learned as benign.
	KeepValue bool
	// Weight scales how often the family is drawn against the others of its
	// class (0 means 1).
	Weight float64
}

func (f *Family) weight() float64 {
	if f.Weight <= 0 {
		return 1
	}
	return f.Weight
}

// core draws one text of the family before launchers and noise.
func (f *Family) core(s *sample) string {
	if f.Gen != nil {
		return f.Gen(s)
	}
	return s.expand(f.Templates[s.intn(len(f.Templates))])
}

// Registry returns every family, sorted by name. It is rebuilt on each call.
func Registry() []Family {
	var fs []Family
	fs = append(fs, credFamilies()...)
	fs = append(fs, impairFamilies()...)
	fs = append(fs, tokenFamilies()...)
	fs = append(fs, benignFamilies()...)
	fs = append(fs, credFamiliesMore()...)
	fs = append(fs, impairFamiliesMore()...)
	fs = append(fs, tokenFamiliesMore()...)
	fs = append(fs, benignFamiliesMore()...)
	fs = append(fs, benignFamiliesPriorWin()...)
	fs = append(fs, benignFamiliesPriorUnix()...)
	fs = append(fs, benignFamiliesDualword()...)
	fs = append(fs, benignFamiliesRevert()...)
	fs = append(fs, impairFamiliesMitigation()...)
	fs = append(fs, pairedRegFamilies()...)
	fs = append(fs, pairedToggleFamilies()...)
	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	return fs
}

// Validate checks the registry: unique names, known classes, templates that
// parse and reference existing slots.
func Validate(fs []Family) error {
	slots := newSlots()
	seen := make(map[string]bool, len(fs))
	known := map[Label]bool{Benign: true, T1003: true, T1562: true, T1134: true}
	for _, f := range fs {
		if f.Name == "" {
			return fmt.Errorf("family with empty name (class %s)", f.Class)
		}
		if seen[f.Name] {
			return fmt.Errorf("duplicate family name %q", f.Name)
		}
		seen[f.Name] = true
		if !known[f.Class] {
			return fmt.Errorf("family %s: unknown class %q", f.Name, f.Class)
		}
		if f.Gen == nil && len(f.Templates) == 0 {
			return fmt.Errorf("family %s: no templates", f.Name)
		}
		for _, t := range f.Templates {
			if err := checkTemplate(t, slots); err != nil {
				return fmt.Errorf("family %s: template %q: %w", f.Name, t, err)
			}
		}
	}
	return nil
}

// with returns f with more templates.
func (f Family) with(templates ...string) Family {
	f.Templates = append(slices.Clip(f.Templates), templates...)
	return f
}

// fam builds a template family.
func fam(name string, class Label, platform string, shell Shell, templates ...string) Family {
	return Family{Name: name, Class: class, Platform: platform, Shell: shell, Templates: templates}
}
