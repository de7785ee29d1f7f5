// Shared by the infra tests: synthesise without bundling, and read templates in terms of the deployment's resources.
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { FUNCTION_TAG } from '#infra/constructs/agent-function.ts';
import { APP_CONTEXT, addDeployment, type DeploymentContext } from '#infra/deployment.ts';

/** CDK skips asset bundling for stacks not listed here, so synth takes seconds; `npm run synth` bundles for real. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;

export function testApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...APP_CONTEXT, ...NO_BUNDLING, ...context } });
}

/** The `cdk deploy` deployment (data stack + service stack) of stage "test". */
export function synthDeployment(context: DeploymentContext = { stage: 'test' }) {
  const app = testApp();
  const deployment = addDeployment(app, context);
  const data = Template.fromStack(deployment.data);
  const service = Template.fromStack(deployment.service);
  return { app, ...deployment, templates: { data, service } };
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

/**
 * Reads template values as text: references to resources become `<label>` (from `labels`, by logical id), pseudo
 * parameters `${AWS::…}`, and imports from another stack are followed to the export's value first.
 */
export class TemplateReader {
  readonly #exports: Map<string, unknown>;

  constructor(
    readonly resources: Resources,
    readonly labels: Map<string, string>,
    templates: Template[],
    /** Whole values to name, e.g. the runner's ARN built from its fixed name. */
    readonly aliases: Map<string, string> = new Map(),
  ) {
    this.#exports = new Map();
    for (const template of templates) {
      for (const output of Object.values((template.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>)) {
        if (output.Export) this.#exports.set(output.Export.Name, output.Value);
      }
    }
  }

  text(value: unknown): string {
    const text = this.#text(value);
    return this.aliases.get(text) ?? text;
  }

  #text(value: unknown): string {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map((item) => this.#text(item)).join(',');
    if (value && typeof value === 'object') {
      const node = value as Record<string, unknown>;
      if (node['Fn::ImportValue'] !== undefined) {
        const name = node['Fn::ImportValue'] as string;
        if (!this.#exports.has(name)) throw new Error(`No stack exports ${name}`);
        return this.#text(this.#exports.get(name));
      }
      if (node['Fn::Join']) {
        const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
        return parts.map((part) => this.#text(part)).join(delimiter);
      }
      if (node['Fn::GetAtt']) {
        const [id, attribute] = node['Fn::GetAtt'] as [string, string];
        return `<${this.labels.get(id) ?? id}${attribute === 'Arn' ? '' : `.${attribute}`}>`;
      }
      if (node.Ref !== undefined) {
        const id = node.Ref as string;
        return id.startsWith('AWS::') ? `\${${id}}` : `<${this.labels.get(id) ?? id}>`;
      }
    }
    return JSON.stringify(value);
  }

  ofType(type: string): [string, Resources[string]][] {
    return Object.entries(this.resources).filter(([, resource]) => resource.Type === type);
  }

  /** The one resource of a type (throws when there are none or several), as [logical id, properties]. */
  only(type: string): [string, Record<string, any>] {
    const found = this.ofType(type);
    if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}.`);
    return [found[0]![0], found[0]![1].Properties ?? {}];
  }
}

/** Each Lambda's function folder (from its tag), by logical id. */
export function functionsByFolder(resources: Resources): Map<string, { id: string; properties: Record<string, any> }> {
  const byFolder = new Map<string, { id: string; properties: Record<string, any> }>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const tag = (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined)?.find((entry) => entry.Key === FUNCTION_TAG);
    if (tag) byFolder.set(tag.Value, { id, properties: resource.Properties! });
  }
  return byFolder;
}

/** All statements of the identity policies attached to a role (inline and AWS::IAM::Policy). */
export function statementsOfRole(resources: Resources, roleId: string): Record<string, any>[] {
  const inline = (resources[roleId]?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Record<string, any>[] } }[];
  const attached = Object.values(resources).filter(
    (resource) =>
      resource.Type === 'AWS::IAM::Policy' && ((resource.Properties?.Roles ?? []) as unknown[]).some((role) => (role as { Ref?: string }).Ref === roleId),
  );
  return [
    ...inline.flatMap((policy) => policy.PolicyDocument.Statement),
    ...attached.flatMap((policy) => policy.Properties!.PolicyDocument.Statement as Record<string, any>[]),
  ];
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** "action resource" pairs of Allow statements, as text. */
export function grants(reader: TemplateReader, statements: Record<string, any>[]): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap((statement) =>
      asArray(statement.Action as string | string[]).flatMap((action) =>
        asArray(statement.Resource as unknown).map((resource) => `${action} ${reader.text(resource)}`),
      ),
    )
    .sort();
}
