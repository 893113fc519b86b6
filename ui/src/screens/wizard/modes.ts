import type { IconName } from '../../lib/components/icons';

export type RouteStep = 'local' | 'hosted';

/** The three setups offered by the wizard. */
export interface SetupMode {
  id: 'local-only' | 'hybrid' | 'local-first';
  title: string;
  tagline: string;
  description: string;
  icon: IconName;
  /** Primary first, then fallbacks. */
  route: readonly RouteStep[];
}

export const SETUP_MODES: readonly SetupMode[] = [
  {
    id: 'local-only',
    title: 'Local only',
    tagline: 'Strongest privacy',
    description:
      'Every request stays on this computer and needs no API key, but answers are only as ' +
      'good as the model your hardware can run.',
    icon: 'shield',
    route: ['local'],
  },
  {
    id: 'hybrid',
    title: 'Hybrid',
    tagline: 'Hosted primary, local fallback',
    description:
      'A hosted model answers first and your local model takes over when it is down, ' +
      'rate-limited or out of credit: the best answers, but your prompts leave this computer.',
    icon: 'cloud',
    route: ['hosted', 'local'],
  },
  {
    id: 'local-first',
    title: 'Local first',
    tagline: 'Local primary, hosted fallback',
    description:
      'Your local model answers first and a hosted one takes over when it is not running or ' +
      'the chat outgrows its context: private by default, with a safety net that goes online.',
    icon: 'laptop',
    route: ['local', 'hosted'],
  },
];
