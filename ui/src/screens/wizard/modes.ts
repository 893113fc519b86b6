import type { MessageId } from '../../lib/i18n/i18n.svelte';
import type { IconName } from '../../lib/components/icons';

export type RouteStep = 'local' | 'hosted';

/** The three setups offered by the wizard (their words as message keys). */
export interface SetupMode {
  id: 'local-only' | 'hybrid' | 'local-first';
  title: MessageId;
  tagline: MessageId;
  description: MessageId;
  icon: IconName;
  /** Primary first, then fallbacks. */
  route: readonly RouteStep[];
}

export const SETUP_MODES: readonly SetupMode[] = [
  {
    id: 'local-only',
    title: 'mode.localOnly',
    tagline: 'mode.localOnlyTagline',
    description: 'mode.localOnlyDescription',
    icon: 'shield',
    route: ['local'],
  },
  {
    id: 'hybrid',
    title: 'mode.hybrid',
    tagline: 'mode.hybridTagline',
    description: 'mode.hybridDescription',
    icon: 'cloud',
    route: ['hosted', 'local'],
  },
  {
    id: 'local-first',
    title: 'mode.localFirst',
    tagline: 'mode.localFirstTagline',
    description: 'mode.localFirstDescription',
    icon: 'laptop',
    route: ['local', 'hosted'],
  },
];
