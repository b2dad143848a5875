/** `rk8s plan`: retrieve -> plan -> validate, printing the cards, the plan (streamed), and the verdict. */
import type { Command } from 'commander';
import { exitCodeForPlan } from '../../output/exit-codes.js';
import { k8s_plan } from '../../tool/k8s-plan.js';
import { EventPrinter, printErrorEvent } from '../event-printer.js';
import { action, printJson } from '../output.js';
import { addRequestOptions, coreFromOptions, interruptSignal, requestFromOptions, type RequestOptions } from '../request-options.js';
import { exitCodesHelp } from '../exit-help.js';

/** Adds `rk8s plan` to the program. */
export function registerPlanCommand(program: Command): void {
  addRequestOptions(program.command('plan').description('plan a kubectl command from the cards and check it against the policy; runs nothing'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  rk8s plan -n prod --intent restart --resource deployment --name api\n' +
        '  rk8s plan -n staging scale web to 5\n' +
        '  rk8s plan -n prod why is api-7d9f-x2 crashing\n' +
        '  rk8s plan -n prod --intent logs --resource pod --name api-7d9f-x2 --param tail=50\n' +
        '  rk8s plan -n prod --intent logs --resource pod --name api-7d9f-x2 --json\n' +
        exitCodesHelp({ ok: 'allowed', needsConfirmation: 'needs confirmation', denied: 'denied or incomplete', usage: 'bad flags', config: 'config' }),
    )
    .action(
      action(async (globals, words: string[], options: RequestOptions) => {
        const request = requestFromOptions(words, options);
        const interrupt = interruptSignal();
        const core = await coreFromOptions(globals, options, {}, interrupt.signal, request);
        try {
          const printer = new EventPrinter((text) => process.stdout.write(text));
          const document = await k8s_plan(request, {
            core,
            source: 'cli',
            signal: interrupt.signal,
            onEvent: (event) => {
              if (!globals.json && event.type !== 'error') printer.print(event);
            },
          });
          if (globals.json) printJson(document);
          else if (document.error) printErrorEvent(document.error);
          return exitCodeForPlan(document);
        } finally {
          interrupt.dispose();
          await core.close();
        }
      }),
    );
}
