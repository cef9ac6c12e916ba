package datagen

// More impair-defenses procedure families.

func impairFamiliesMore() []Family {
	return []Family{}
}
