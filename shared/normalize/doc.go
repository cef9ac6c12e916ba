// Package normalize turns a raw command line or log line into exactly the
// text the ttpscope model sees. The same function, Text, is used when
// serving (CLI, Fluent Bit plugin) and when building training data, so the
// model is never shown text in a form it was not trained on. Changing any
// rule here changes what the model sees and requires retraining.
//
// # What the model sees
//
// Text applies these steps, in this order, to any input of any size. It
// never fails and runs in time linear in the input length.
//
//  1. Sanitize. Each invalid UTF-8 byte becomes U+FFFD (one replacement
//     character per bad byte, as Go's range loop decodes it). NUL and every
//     other control character except \t and \n (so \r, DEL and the C1
//     controls too) become a space.
//     Reported as "invalid-utf8" and "control-chars".
//
//  2. auditd proctitle. The hex value of a field proctitle=<hex> (the key in
//     lowercase, at the start of the text or after a character that is not a
//     letter, digit or underscore) is replaced by the decoded argv, with the
//     NUL separators between argv elements turned into spaces. The key
//     itself stays. It is decoded only when the value is unquoted,
//     non-empty, even-length hex that is not followed by a letter, digit or
//     underscore, and decodes to valid UTF-8 with no control characters
//     other than NUL, \t and \n and at least one visible character. A
//     quoted value (proctitle="bash") stays as it is. A bare hex string
//     without the proctitle= key is never decoded: hex-looking tokens are
//     common (hashes, GUIDs) and only auditd marks them as argv.
//     Reported as "auditd-proctitle-hex". Then, when the text is an auditd
//     record (it holds "msg=audit(") with a proctitle field, only that
//     field's value (decoded, or the content of a quoted value) is kept:
//     the record's other fields carry no signal for the model.
//     Reported as "auditd-command".
//
//  3. cmd.exe carets. "^^" becomes "^"; "^" followed by any other character
//     is removed and the character kept (so "r^e^g" becomes "reg" and "^|"
//     becomes "|"); a "^" at the end of the text or of a line is removed.
//     Carets are removed inside quotes too.
//     Reported as "caret".
//
//  4. Empty quotes. Adjacent pairs of equal quotes (two double quotes or two
//     single quotes) are removed, repeatedly, so p""ower""shell becomes
//     powershell and po'""'wershell becomes powershell as well. A real
//     empty argument such as -p "" is removed too; the model never relied
//     on it.
//     Reported as "empty-quotes".
//
//  5. PowerShell -EncodedCommand. A flag that is a case-insensitive prefix
//     of -EncodedCommand (-e, -en, -enc, ..., -encodedcommand) or the alias
//     -ec, written with "-", "/" or the en dash, em dash or horizontal bar
//     that PowerShell also accepts, at the start of the text or after white
//     space, followed by white space and a base64 argument (optionally in
//     matching double or single quotes) is decoded. The argument, quotes
//     included, is replaced by the script text; the launcher and the flag
//     stay, so "powershell -enc <script>" is what remains. Carets and empty
//     quotes were already removed by steps 3 and 4, so -e^n^c and
//     base64 split by carets or empty quotes are handled. Base64 is the
//     standard alphabet with padding optional. The decode is only used when
//     the bytes are well-formed UTF-16LE (even length, paired surrogates,
//     a leading byte order mark is dropped) with no control characters
//     other than \t \n \r and at least half of the characters ASCII;
//     otherwise the argument is left as it is. An unquoted argument must end
//     at white space, one of " ' ; | & ) or the end of the text. The decoded
//     script goes through steps 3 to 5 again (it may launch cmd with carets
//     or another encoded PowerShell), up to MaxDecodeDepth (3) levels of
//     decoding; a fourth nested blob stays encoded.
//     Reported as "powershell-encodedcommand".
//
//  6. White space. Every run of Unicode white space or control characters
//     (space, \t, \n, \r, NBSP, em space, ...) becomes one ASCII space, and
//     the text is trimmed.
//
//  7. Lowercase, with strings.ToLower (Unicode-aware; "İ" becomes "i").
//
// Result.Transforms lists the de-obfuscating steps (the names above) that
// changed the text, in the order they were first applied; white space
// folding and lowercasing always run and are not listed.
//
// # Examples
//
//	input:  C:\Windows\System32\REG.EXE save HKLM\SAM  C:\t\sam.hiv
//	model:  c:\windows\system32\reg.exe save hklm\sam c:\t\sam.hiv
//
//	input:  cmd /c r^e^g s^a^v^e HKLM\S^A^M s.hiv
//	model:  cmd /c reg save hklm\sam s.hiv
//
//	input:  p""ower""shell -c whoami
//	model:  powershell -c whoami
//
//	input:  powershell -W Hidden -e^n^c UwBlAHQALQBNAHAAUAByAGUAZgBlAHIAZQBuAGMAZQAgAC0ARABpAHMAYQBiAGwAZQBSAGUAYQBsAHQAaQBtAGUATQBvAG4AaQB0AG8AcgBpAG4AZwAgACQAdAByAHUAZQA=
//	model:  powershell -w hidden -enc set-mppreference -disablerealtimemonitoring $true
//
//	input:  type=PROCTITLE msg=audit(1700000000.123:42): proctitle=2F62696E2F62617368002D6300636174202F6574632F736861646F77
//	model:  /bin/bash -c cat /etc/shadow
//
// Known limits: only -EncodedCommand is decoded (not
// [Convert]::FromBase64String or -EncodedArguments); "-enc:<b64>" with a
// colon is not recognized; the caret and quote rules are applied to decoded
// PowerShell script text too, where they are not cmd syntax.
package normalize
