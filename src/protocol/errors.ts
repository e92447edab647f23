import type { FailureType } from './messages.js';

/** An error the user can act on: its message is shown as is, its failure type decides how Airbyte reacts. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType = 'system_error',
    readonly internal?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export class ConfigError extends ConnectorError {
  constructor(message: string, internal?: string) {
    super(message, 'config_error', internal);
    this.name = 'ConfigError';
  }
}

export class TransientError extends ConnectorError {
  constructor(message: string, internal?: string) {
    super(message, 'transient_error', internal);
    this.name = 'TransientError';
  }
}

export function describe(err: unknown): { message: string; failureType: FailureType; internal?: string; stack?: string } {
  if (err instanceof ConnectorError) {
    return { message: err.message, failureType: err.failureType, internal: err.internal, stack: err.stack };
  }
  const e = err as Error;
  const message = e?.message ?? String(err);
  return { message: `Unexpected error: ${message}`, failureType: 'system_error', internal: message, stack: e?.stack };
}
