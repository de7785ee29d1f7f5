// cdk-nag acknowledgements, made next to the resource they are about, each with the reason the finding is accepted.
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges one AwsSolutions rule on a construct and everything under it. */
export function acknowledge(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
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
