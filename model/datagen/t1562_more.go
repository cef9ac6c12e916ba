package datagen

// More impair-defenses procedure families.

func impairFamiliesMore() []Family {
	return []Family{}
}

// addImpairSlotsMore adds the slots this file's families use.
func addImpairSlotsMore(m map[string]slotFunc) {}
