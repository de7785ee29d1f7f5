// The CDK app (cdk.json runs it with tsx): the data and service stacks of one stage, checked by cdk-nag on every synth.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { APP_CONTEXT, addDeployment } from './deployment.ts';

const app = new App({ context: APP_CONTEXT });
addDeployment(app);
// An unacknowledged AwsSolutions error fails `cdk synth` and `cdk deploy`; acknowledgements live next to their resources.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
