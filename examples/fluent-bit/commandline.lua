-- Copies the command line of Sysmon event 1 (process creation) and Security event 4688 to a top-level
-- CommandLine field, which ttpscope reads first among its default fields. Fluent Bit's winevtlog input
-- puts the event's values in StringInserts, in the order of the event's template (Lua counts from 1):
--   Sysmon 1:  RuleName, UtcTime, ProcessGuid, ProcessId, Image, FileVersion, Description, Product,
--              Company, OriginalFileName, CommandLine (11th), ...
--   4688:      SubjectUserSid, SubjectUserName, SubjectDomainName, SubjectLogonId, NewProcessId,
--              NewProcessName, TokenElevationType, ProcessId, CommandLine (9th), ...
-- Other events pass unchanged (ttpscope marks them "skipped" when they hold no text field).
function extract_commandline(tag, timestamp, record)
    local inserts = record["StringInserts"]
    if type(inserts) ~= "table" then
        return 0, timestamp, record
    end
    local id = tonumber(record["EventID"])
    local cmd = nil
    if id == 1 and record["ProviderName"] == "Microsoft-Windows-Sysmon" then
        cmd = inserts[11]
    elseif id == 4688 then
        cmd = inserts[9]
    end
    if type(cmd) ~= "string" or cmd == "" then
        return 0, timestamp, record
    end
    record["CommandLine"] = cmd
    return 2, timestamp, record -- 2: record modified, timestamp kept
end
