// cdk-nag acknowledgements, made next to the resource they are about, each with the reason the finding is accepted.
// Written for both majors a consumer may run: cdk-nag 3 reads CDK's Validations acknowledgements, cdk-nag 2 (an
// Aspect) reads `cdk_nag` metadata on each CloudFormation resource — the metadata its NagSuppressions writes.
import { AspectPriority, Aspects, CfnResource, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One suppression as cdk-nag 2 stores it in a resource's `cdk_nag` metadata. */
interface NagV2Rule {
  id: string;
  reason: string;
  applies_to?: string[];
}

/** cdk-nag 2's form of a rule: "IAM5[Resource::arn]" is rule IAM5 for that one finding. */
export function nagV2Rule(rule: string, reason: string): NagV2Rule {
  const granular = /^([A-Za-z0-9]+)\[(.+)\]$/.exec(rule);
  return granular ? { id: `AwsSolutions-${granular[1]}`, reason, applies_to: [granular[2]!] } : { id: `AwsSolutions-${rule}`, reason };
}

/**
 * Adds the suppressions to every CloudFormation resource under its scope when the tree is prepared — so resources
 * made after the acknowledgement (a policy's first grant) are covered — and before cdk-nag 2's own Aspect runs
 * (mutating priority comes first).
 */
class NagV2Suppressions implements IAspect {
  readonly rules: NagV2Rule[] = [];

  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource)) return;
    const existing = (node.getMetadata('cdk_nag') as { rules_to_suppress?: NagV2Rule[] } | undefined)?.rules_to_suppress ?? [];
    const merged = [...new Set([...existing, ...this.rules].map((rule) => JSON.stringify(rule)))].map((rule) => JSON.parse(rule) as NagV2Rule);
    node.addMetadata('cdk_nag', { rules_to_suppress: merged });
  }
}

const v2Suppressions = new WeakMap<IConstruct, NagV2Suppressions>();

/** Acknowledges one AwsSolutions rule on a construct and everything under it, for cdk-nag 3 and cdk-nag 2. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
  let aspect = v2Suppressions.get(scope);
  if (!aspect) {
    aspect = new NagV2Suppressions();
    v2Suppressions.set(scope, aspect);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.MUTATING });
  }
  aspect.rules.push(nagV2Rule(rule, reason));
}

/**
 * The text cdk-nag reports for a policy resource (IAM5 findings name it): references flattened the way cdk-nag
 * does, `<Logical.Attr>` for Fn::GetAtt and `<Name>` for Ref, so a wildcard is acknowledged resource by resource.
 */
function nagText(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(nagText).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return nagText(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${nagText(resource)}.${nagText(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return nagText(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${nagText(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

/**
 * Acknowledges IAM5 for exactly one wildcard resource of a policy under `scope`, never the rule as a whole: any
 * other wildcard added later is still reported. The ARN may hold pseudo parameters and literals, not references to
 * resources of another stack (their text changes once CDK turns them into imports).
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const text = nagText(Stack.of(scope).resolve(resourceArn));
  acknowledge(scope, `IAM5[Resource::${text}]`, reason);
}
