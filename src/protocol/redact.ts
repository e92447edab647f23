// The one registry of secrets: every LOG and TRACE text passes through redact() before it is printed.

const secrets = new Set<string>();

export function registerSecret(value: unknown): void {
  if (typeof value === 'string' && value.length >= 3) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('**********');
  }
  return out;
}

/** Collects every airbyte_secret value of a config by walking the spec's schema beside it. */
export function registerSecretsFromSpec(config: unknown, schema: any): void {
  if (!schema || config === null || typeof config !== 'object') return;
  const variants = [schema, ...(schema.oneOf ?? [])];
  for (const variant of variants) {
    for (const [name, prop] of Object.entries<any>(variant.properties ?? {})) {
      const value = (config as Record<string, unknown>)[name];
      if (prop?.airbyte_secret) registerSecret(value);
      if (value && typeof value === 'object') registerSecretsFromSpec(value, prop);
    }
  }
}

export function clearSecrets(): void {
  secrets.clear();
}
