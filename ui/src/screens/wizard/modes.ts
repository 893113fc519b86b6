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
      'Every request goes to LM Studio or Ollama on this computer. Nothing is sent to the ' +
      'internet, and no API keys are needed.',
    icon: 'shield',
    route: ['local'],
  },
  {
    id: 'hybrid',
    title: 'Hybrid',
    tagline: 'Hosted primary, local fallback',
    description:
      'A hosted model from OpenAI, Anthropic or OpenRouter answers first. When it is down, ' +
      'rate-limited or out of credit, your local model takes over.',
    icon: 'cloud',
    route: ['hosted', 'local'],
  },
  {
    id: 'local-first',
    title: 'Local first',
    tagline: 'Local primary, hosted fallback',
    description:
      'Your local model answers first. When it is not running or the conversation outgrows ' +
      'its context window, a hosted model takes over.',
    icon: 'laptop',
    route: ['local', 'hosted'],
  },
];
