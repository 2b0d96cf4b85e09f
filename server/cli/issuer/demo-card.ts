/**
 * `issuer demo-card`: issues the sample card valid today (any issue flag overrides the sample)
 * and adds its holder to the reference portal's data.
 */
import { demoCardInput } from '../../issuer/demo-card.js';
import { personFromCard } from '../../reference-portal/dataset.js';
import { CARD_FLAGS, issueFrom } from './issue.js';
import { addToPortal, PORTAL_FLAGS } from './portal-data.js';
import { COMMON, nowOf, type Command } from './shared.js';

export const demoCard: Command = {
  summary:
    "issue a sample card valid today (same flags as issue, all optional: each overrides the sample); adds its holder to the portal's data",
  synopsis: '[any issue flag overrides the sample] [--portal-data DIR | --no-portal-data]',
  flags: [...CARD_FLAGS, ...PORTAL_FLAGS, ...COMMON],
  run: (values, ctx) =>
    issueFrom(values, ctx, demoCardInput(nowOf(values, ctx)), (input) =>
      addToPortal(values, ctx, () => {
        if (input.gender === 'other') {
          ctx.err('not added to the portal data: the portal records gender only as Nam or Nữ');
          return undefined;
        }
        return personFromCard(input);
      }),
    ),
};
