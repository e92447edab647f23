// metadata.yaml and Airbyte's metadata schema (copied in integration_tests/metadata/), made compilable.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

export const repoFile = (p: string) => new URL(`../../${p}`, import.meta.url);

export function loadMetadata(): any {
  return parse(readFileSync(repoFile('metadata.yaml'), 'utf8'));
}

/**
 * The bundled JSON does not compile as is (METADATA_AND_IMAGE.md): nested $ids clash, and
 * data.generated.metrics uses "type": "ConnectorMetric", which is no JSON type.
 */
export function metadataValidator() {
  const schema = JSON.parse(readFileSync(repoFile('integration_tests/metadata/ConnectorMetadataDefinitionV0.schema.json'), 'utf8'));
  const fix = (node: any, root: boolean): void => {
    if (Array.isArray(node)) return node.forEach((x) => fix(x, false));
    if (!node || typeof node !== 'object') return;
    if (!root) delete node.$id;
    if (node.type === 'ConnectorMetric') node.type = 'object';
    Object.values(node).forEach((v) => fix(v, false));
  };
  fix(schema, true);
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(schema);
}
