// cdk-nag 3 reports through CDK's policy validation: findings land in the cloud assembly's validation-report.json,
// acknowledgements are construct metadata. These read both, for the nag and construct tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import type { PolicyValidationReportJson } from 'aws-cdk-lib/cloud-assembly-schema';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

/** Every acknowledgement in the construct tree, from the metadata Validations.acknowledge() records. */
export function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** What cdk-nag would report with no acknowledgement at all (its acknowledgement check switched off). */
export function rawFindings(app: App): { rule: string; path: string }[] {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(app)
    .violations.flatMap((violation) => violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })));
}

/** Synthesises with the AwsSolutions pack registered, as infra/app.ts does, and returns the validation report. */
export function synthWithNag(app: App): PolicyValidationReportJson {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as PolicyValidationReportJson;
}

/** Reports a failed check as readable lines rather than a JSON diff. */
export const describeFindings = (report: PolicyValidationReportJson): string[] =>
  report.pluginReports.flatMap((plugin) =>
    plugin.violations.map(
      (violation) => `${violation.severity} ${violation.ruleName} at ${violation.violatingConstructs.map((c) => c.constructPath).join(', ')}`,
    ),
  );

/** An acknowledgement covers a finding on the construct it was made on or anything under it. */
export const covers = (ack: Acknowledgement, finding: { rule: string; path: string }): boolean =>
  ack.id === finding.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`));
