// node validate.mjs MANIFEST.yaml...: each file must be one batch/v1 Job that passes the
// Kubernetes Job schema (kubernetes-models' validate()); prints the manifests as one JSON
// array, or the file and the cause on stderr and exits 1.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1/Job";

const manifests = [];
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`${file}: not YAML: ${doc.errors[0].message}`);
      process.exit(1);
    }
    const m = doc.toJS();
    if (m?.apiVersion !== "batch/v1" || m?.kind !== "Job") {
      console.error(`${file}: not a batch/v1 Job`);
      process.exit(1);
    }
    try {
      new Job(m).validate();
    } catch (e) {
      console.error(`${file}: ${e.message}`);
      process.exit(1);
    }
    manifests.push(m);
  }
}
console.log(JSON.stringify(manifests));
