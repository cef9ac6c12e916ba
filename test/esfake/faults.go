package esfake

import (
	"maps"
	"net/http"
	"strings"
	"time"
)

// Faults programs failures. Set them with SetFaults or the helper methods;
// counters (FailRequests, DelayRequests, DropRequests, ItemFailures) count
// down as requests consume them. Random choices use the server's seeded
// generator, so a run is reproducible when requests arrive in the same order.
type Faults struct {
	// PathContains limits the whole-request faults (FailRequests,
	// DelayRequests, DropRequests) to requests whose path contains it;
	// "" means every request.
	PathContains string

	// FailRequests is how many upcoming requests are answered with
	// RequestStatus (default 503) and ES's error body for it, without
	// being applied.
	FailRequests  int
	RequestStatus int

	// DelayRequests is how many upcoming requests are answered only after
	// Delay (a client timeout shorter than Delay sees a timeout).
	DelayRequests int
	Delay         time.Duration

	// DropRequests is how many upcoming requests get their connection
	// closed with no answer.
	DropRequests int

	// AfterApply makes delayed and dropped requests take effect first (the
	// documents are stored, the client never learns it): the case that
	// turns a naive retry into a duplicate.
	AfterApply bool

	// ItemFailureRate is the probability that a bulk item fails with
	// ItemStatus (default 429) instead of being applied.
	ItemFailureRate float64
	ItemStatus      int

	// ItemFailures maps document ids to how many more times a bulk item
	// with that id fails with ItemStatus.
	ItemFailures map[string]int

	// MappingErrorField makes every index/create document that has this
	// field (a dotted path) fail with 400 and MappingErrorType (default
	// "document_parsing_exception", what ES 8.8+ reports; set
	// "mapper_parsing_exception" to mimic older versions).
	MappingErrorField string
	MappingErrorType  string
}

// SetFaults replaces all programmed faults.
func (s *Server) SetFaults(f Faults) {
	f.ItemFailures = maps.Clone(f.ItemFailures)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// Faults returns the faults still programmed.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.faults
	f.ItemFailures = maps.Clone(f.ItemFailures)
	return f
}

// ClearFaults removes every programmed fault.
func (s *Server) ClearFaults() { s.SetFaults(Faults{}) }

// FailNextRequests answers the next n requests with status.
func (s *Server) FailNextRequests(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.FailRequests, s.faults.RequestStatus = n, status
}

// DelayNextRequests answers the next n requests after d.
func (s *Server) DelayNextRequests(n int, d time.Duration, afterApply bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.DelayRequests, s.faults.Delay, s.faults.AfterApply = n, d, afterApply
}

// DropNextRequests closes the connection of the next n requests.
func (s *Server) DropNextRequests(n int, afterApply bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.DropRequests, s.faults.AfterApply = n, afterApply
}

// FailItems makes each bulk item fail with status with probability rate.
func (s *Server) FailItems(rate float64, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.ItemFailureRate, s.faults.ItemStatus = rate, status
}

// FailIDs makes bulk items with these ids fail times times each with the
// item status (FailItems' status, default 429).
func (s *Server) FailIDs(times int, ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.ItemFailures == nil {
		s.faults.ItemFailures = map[string]int{}
	}
	for _, id := range ids {
		s.faults.ItemFailures[id] = times
	}
}

// MappingErrorOn makes documents with field fail with a 400 mapping error.
func (s *Server) MappingErrorOn(field string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.MappingErrorField = field
}

// plan is what the whole-request faults decided for one request.
type plan struct {
	status     int
	delay      time.Duration
	drop       bool
	afterApply bool
}

func (s *Server) takeFaults(r *http.Request) plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	if f.PathContains != "" && !strings.Contains(r.URL.Path, f.PathContains) {
		return plan{}
	}
	var p plan
	p.afterApply = f.AfterApply
	if f.DropRequests > 0 {
		f.DropRequests--
		p.drop = true
		return p
	}
	if f.FailRequests > 0 {
		f.FailRequests--
		p.status = f.RequestStatus
		if p.status == 0 {
			p.status = 503
		}
	}
	if f.DelayRequests > 0 {
		f.DelayRequests--
		p.delay = f.Delay
	}
	return p
}

// itemFault decides whether one bulk item fails; it returns the status or 0.
// The caller holds s.mu.
func (s *Server) itemFault(id string) int {
	f := &s.faults
	status := f.ItemStatus
	if status == 0 {
		status = 429
	}
	if id != "" {
		if n := f.ItemFailures[id]; n > 0 {
			f.ItemFailures[id] = n - 1
			return status
		}
	}
	if f.ItemFailureRate > 0 && s.rng.Float64() < f.ItemFailureRate {
		return status
	}
	return 0
}
