// Every line the connector prints is checked against the official Airbyte protocol schema (v0.18.0).
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const schema = JSON.parse(readFileSync(new URL('../protocol/airbyte_protocol.schema.json', import.meta.url), 'utf8'));
// existingJavaType and friends are Java code-generation annotations; strict:false lets ajv ignore them.
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(schema, 'airbyte');
const validateMessage = ajv.compile({ $ref: 'airbyte#/definitions/AirbyteMessage' });

/** Problems with stdout as a whole: unparsable lines, or lines that are not valid AirbyteMessages. */
export function protocolProblems(lines: string[]): string[] {
  const problems: string[] = [];
  lines.forEach((line, i) => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1} is not JSON: ${line.slice(0, 120)}`);
      return;
    }
    if (!validateMessage(msg)) {
      problems.push(`line ${i + 1} is not an AirbyteMessage: ${ajv.errorsText(validateMessage.errors)} :: ${line.slice(0, 160)}`);
    }
  });
  return problems;
}

/** A validator for records of one stream, from the schema discover printed. */
export function recordValidator(jsonSchema: object) {
  const v = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(v);
  return v.compile(jsonSchema);
}
