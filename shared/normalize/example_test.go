package normalize_test

import (
	"fmt"

	"github.com/ttpscope/ttpscope/shared/normalize"
)

func ExampleText() {
	for _, in := range []string{
		`C:\Windows\System32\REG.EXE save HKLM\SAM  C:\t\sam.hiv`,
		`cmd /c r^e^g s^a^v^e HKLM\S^A^M s.hiv`,
		`p""ower""shell -c whoami`,
		`powershell -W Hidden -e^n^c UwBlAHQALQBNAHAAUAByAGUAZgBlAHIAZQBuAGMAZQAgAC0ARABpAHMAYQBiAGwAZQBSAGUAYQBsAHQAaQBtAGUATQBvAG4AaQB0AG8AcgBpAG4AZwAgACQAdAByAHUAZQA=`,
		`type=PROCTITLE msg=audit(1700000000.123:42): proctitle=2F62696E2F62617368002D6300636174202F6574632F736861646F77`,
	} {
		r := normalize.Text(in)
		fmt.Printf("%s %q\n", r.Text, r.Transforms)
	}
	// Output:
	// c:\windows\system32\reg.exe save hklm\sam c:\t\sam.hiv []
	// cmd /c reg save hklm\sam s.hiv ["caret"]
	// powershell -c whoami ["empty-quotes"]
	// powershell -w hidden -enc set-mppreference -disablerealtimemonitoring $true ["caret" "powershell-encodedcommand"]
	// /bin/bash -c cat /etc/shadow ["auditd-proctitle-hex" "auditd-command"]
}
