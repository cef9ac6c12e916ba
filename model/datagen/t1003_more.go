package datagen

// More credential-dumping (SAM/SYSTEM/SECURITY hives, LSASS memory) procedure families.

func credFamiliesMore() []Family {
	return []Family{}
}

// addCredSlotsMore adds the slots this file's families use.
func addCredSlotsMore(m map[string]slotFunc) {}
