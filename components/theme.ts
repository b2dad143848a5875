/** Every colour the TUI uses, in one place; NO_COLOR (or --no-color) turns them all off. */
import { createContext, useContext } from 'react';
import type { RiskLevel } from '../src/schemas/vocabulary.js';

/** Semantic colour roles; components ask for a role, never a raw colour. */
export type ColorRole =
  | 'accent'
  | 'muted'
  | 'success'
  | 'warning'
  | 'danger'
  | 'info'
  | 'stderr'
  | 'highlight'
  | 'sandbox'
  | 'key';

const PALETTE: Readonly<Record<ColorRole, string>> = {
  accent: 'cyan',
  muted: 'gray',
  success: 'green',
  warning: 'yellow',
  danger: 'red',
  info: 'blue',
  stderr: 'red',
  highlight: 'cyanBright',
  sandbox: 'magenta',
  key: 'cyan',
};

/** The resolved theme: `color(role)` is undefined when colour is off, which Ink renders as the default colour. */
export interface Theme {
  readonly colorEnabled: boolean;
  color(role: ColorRole): string | undefined;
  riskColor(risk: RiskLevel): string | undefined;
}

/** Colour is on unless NO_COLOR is set (any value, per no-color.org), TERM is dumb, or the caller turned it off. */
export function shouldUseColor(environment: Readonly<Record<string, string | undefined>> = process.env, requested = true): boolean {
  return requested && !('NO_COLOR' in environment) && environment.TERM !== 'dumb';
}

/** Builds a theme; tests pass `false` to assert plain text. */
export function createTheme(colorEnabled: boolean = shouldUseColor()): Theme {
  const color = (role: ColorRole): string | undefined => (colorEnabled ? PALETTE[role] : undefined);
  return {
    colorEnabled,
    color,
    riskColor(risk) {
      switch (risk) {
        case 'high':
          return color('danger');
        case 'medium':
          return color('warning');
        case 'low':
          return color('info');
        case 'none':
          return color('success');
      }
    },
  };
}

/** Carries the theme down the tree so every panel colours the same way. */
export const ThemeContext = createContext<Theme>(createTheme());

/** The current theme. */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
