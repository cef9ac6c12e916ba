package datagen

// More credential-dumping (SAM/SYSTEM/SECURITY hives, LSASS memory) procedure families.

func credFamiliesMore() []Family {
	return []Family{}
}
