package datagen

// More access-token-manipulation procedure families.

func tokenFamiliesMore() []Family {
	return []Family{}
}
