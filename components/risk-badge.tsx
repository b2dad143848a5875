/** The risk badge: a word in a box, readable without colour. */
import { Text } from 'ink';
import type { RiskLevel } from '../src/schemas/vocabulary.js';
import { useTheme } from './theme.js';

/**
 * "[ HIGH RISK ]" in the risk's colour; a command that changes nothing is " READ-ONLY " (never
 * "NONE RISK"), and `label` replaces the word for plans that are not a command (INCOMPLETE, QUESTION).
 */
export function RiskBadge({ risk, mutating = true, label }: { risk: RiskLevel; mutating?: boolean; label?: string }) {
  const theme = useTheme();
  const color = label ? theme.color('warning') : theme.riskColor(risk);
  const text = label ?? (!mutating ? 'READ-ONLY' : `${risk.toUpperCase()} RISK`);
  return (
    <Text color={color} bold inverse={theme.colorEnabled}>
      {` ${text} `}
    </Text>
  );
}
