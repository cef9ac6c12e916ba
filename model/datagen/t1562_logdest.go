package datagen

// Deleting where the logs go (T1562.008): the export destinations of cloud audit and diagnostic
// logs — Azure Event Hubs and Log Analytics tables that diagnostic settings write to; AWS Kinesis
// and Firehose streams and CloudWatch Logs destinations; GCP Pub/Sub topics, BigQuery datasets and
// logging buckets behind log sinks; SIEM forwarder inputs. Disabling the setting is in
// impairMoreCloud; here the setting stays and its destination goes, which stops the logs as surely.
// Storage buckets and containers and their objects are left out: in a generated line a log archive
// looks like any other bucket, and a first try with them raised false alarms on ordinary
// `aws s3 rm … --recursive` lines. The benign side (logDestinationAdmin) deletes
// application streams and topics and creates, lists and inspects log destinations, so that the
// deciding signal is what the destination carries, not the verb.

func impairLogDestinations() []Family {
	c := T1562
	return []Family{
		fam("impair/cloud-log-destination-delete", c, "cloud", Sh,
			`az eventhubs eventhub delete --resource-group {{rg}} --namespace-name {{ldns}} --name {{ldhub}}`,
			`az eventhubs namespace delete --resource-group {{rg}} --name {{ldns}}`,
			`Remove-AzEventHub -ResourceGroupName {{rg}} -Namespace {{ldns}} -Name {{ldhub}}`,
			`Remove-AzEventHubNamespace -ResourceGroupName {{rg}} -Name {{ldns}}{{| -Force}}`,
			`az monitor log-analytics workspace table delete --resource-group {{rg}} --workspace-name {{ldws}} --name {{SecurityEvent|SigninLogs|AuditLogs|AzureActivity|Syslog|CommonSecurityLog}}_CL --yes`,
			`az monitor diagnostic-settings update --name {{word}} --resource {{/subscriptions/{{guid}}/resourceGroups/{{rg}}|{{word}}}} --event-hub-rule "" --workspace "" --storage-account ""`,
			`aws firehose delete-delivery-stream --delivery-stream-name {{ldstream}}{{| --allow-force-delete}}`,
			`aws kinesis delete-stream --stream-name {{ldstream}} --enforce-consumer-deletion`,
			`aws logs delete-destination --destination-name {{ldstream}}`,
			`aws opensearch delete-domain --domain-name {{siem|security-logs|soc-logs|audit-search}}`,
			`gcloud pubsub topics delete {{ldtopic}}{{| --project {{proj}}}}`,
			`gcloud pubsub subscriptions delete {{ldtopic}}-{{sub|siem-sub|splunk-sub}}`,
			`bq rm -r -f -d {{proj}}:{{audit_logs|security_logs|org_audit_export|cloudaudit}}`,
			`gcloud logging buckets delete {{ldbucket}} --location={{global|{{region}}}}{{| --quiet}}`),
		fam("impair/siem-forwarder-input-delete", c, "any", Sh,
			`/opt/splunkforwarder/bin/splunk remove monitor {{/var/log/audit/audit.log|/var/log/secure|/var/log/auth.log}} -auth admin:{{word}}`,
			`/opt/splunkforwarder/bin/splunk disable {{eventlog Security|monitor /var/log/audit/audit.log|forward-server {{host}}:9997}}`,
			`"C:\Program Files\SplunkUniversalForwarder\bin\splunk.exe" remove forward-server {{host}}:9997`,
			`curl -X DELETE -u admin:{{word}} https://{{host}}:8089/servicesNS/nobody/search/data/inputs/http/{{word}}`,
			`rm -f /etc/{{filebeat|auditbeat|winlogbeat}}/modules.d/{{auditd|system|security}}.yml && systemctl restart {{filebeat|auditbeat}}`,
			`sed -i 's/^\(\s*enabled:\) true/\1 false/' /etc/filebeat/modules.d/{{auditd|system}}.yml`),
	}
}

// logDestinationAdmin is the benign side: application streams, topics and queues deleted, log
// destinations created, listed and inspected. Its lines join the cloud teardown family.
var logDestinationAdmin = []string{
	`az eventhubs eventhub delete --resource-group {{rg}} --namespace-name {{proj}}-ns --name {{ldapp}}`,
	`az eventhubs eventhub create --resource-group {{rg}} --namespace-name {{ldns}} --name {{ldhub}} --partition-count {{2|4|8}}`,
	`az eventhubs eventhub list --resource-group {{rg}} --namespace-name {{ldns}} -o table`,
	`Remove-AzEventHub -ResourceGroupName {{rg}} -Namespace {{proj}}-ns -Name {{ldapp}}`,
	`Get-AzEventHub -ResourceGroupName {{rg}} -Namespace {{ldns}}`,
	`New-AzEventHub -ResourceGroupName {{rg}} -NamespaceName {{ldns}} -Name {{ldhub}} -PartitionCount 4`,
	`aws firehose delete-delivery-stream --delivery-stream-name {{ldapp}}-{{dev|staging|test}}`,
	`aws firehose describe-delivery-stream --delivery-stream-name {{ldstream}}`,
	`aws kinesis delete-stream --stream-name {{ldapp}}`,
	`aws kinesis create-stream --stream-name {{ldstream}} --shard-count {{1|2|4}}`,
	`aws kinesis list-streams`, `aws logs describe-destinations`,
	`gcloud pubsub topics delete {{ldapp}}`, `gcloud pubsub topics create {{ldtopic}}`,
	`bq rm -f -t {{proj}}:{{staging|scratch|tmp}}.{{word}}`, `bq ls --project_id {{proj}} {{audit_logs|security_logs}}`,
	`az storage container delete --account-name {{proj}}{{num}} --name {{ldapp}}`,
	`aws s3 rb s3://{{proj}}-{{ldapp}}-{{dev|test|tmp}} --force`, `aws s3 rm s3://{{bucket}}/{{word}}/ --recursive`,
	`aws s3api delete-bucket --bucket {{proj}}-{{ldapp}}`,
}

func addLogDestinationSlots(m map[string]slotFunc) {
	m["ldns"] = oneOf("{{proj}}-logs-ns", "evhns-{{proj}}-diag", "siem-export", "{{proj}}-security-ns", "diag-{{region}}")
	m["ldhub"] = oneOf("insights-operational-logs", "insights-logs-auditevent", "insights-logs-signinlogs", "activity-logs",
		"siem-{{word}}", "security-events", "audit-stream", "defender-export", "sentinel-export", "diag-logs")
	m["ldws"] = oneOf("{{proj}}-law", "sentinel-{{proj}}", "soc-workspace", "law-security")
	m["ldstream"] = oneOf("{{proj}}-cloudtrail-stream", "vpc-flow-logs", "guardduty-findings", "security-hub-export",
		"splunk-{{word}}", "siem-firehose", "audit-log-delivery", "cloudwatch-logs-to-siem", "waf-logs")
	m["ldbucket"] = oneOf("{{proj}}-cloudtrail-logs", "aws-cloudtrail-logs-{{num}}", "org-audit-logs", "{{proj}}-audit-archive",
		"security-logs-{{region}}", "{{proj}}-log-sink")
	m["ldtopic"] = oneOf("audit-logs-sink", "{{proj}}-log-export", "siem-export", "security-log-sink", "chronicle-ingest", "splunk-audit-export")
	m["ldapp"] = oneOf("orders", "clickstream", "payments-events", "{{proj}}-telemetry", "inventory-updates", "user-signups",
		"iot-readings", "{{word}}-queue", "checkout", "metrics-raw")
}
