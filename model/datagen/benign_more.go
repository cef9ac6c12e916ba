package datagen

// More benign families: admin, developer and operations commands and hard negatives.

func benignFamiliesMore() []Family {
	return []Family{}
}

// addBenignSlotsMore adds the slots this file's families use.
func addBenignSlotsMore(m map[string]slotFunc) {}
