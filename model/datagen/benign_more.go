package datagen

// More benign families: admin, developer and operations commands and hard negatives.

func benignFamiliesMore() []Family {
	return []Family{}
}
