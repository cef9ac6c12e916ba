package datagen

// More access-token-manipulation procedure families.

func tokenFamiliesMore() []Family {
	return []Family{}
}

// addTokenSlotsMore adds the slots this file's families use.
func addTokenSlotsMore(m map[string]slotFunc) {}
