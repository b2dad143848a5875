/** The risk badge: a word in a box, readable without colour. */
import { Text } from 'ink';
import type { RiskLevel } from '../src/schemas/vocabulary.js';
import { useTheme } from './theme.js';

/** "[ HIGH RISK ]" in the risk's colour. */
export function RiskBadge({ risk }: { risk: RiskLevel }) {
  const theme = useTheme();
  const color = theme.riskColor(risk);
  return (
    <Text color={color} bold inverse={theme.colorEnabled}>
      {` ${risk.toUpperCase()} RISK `}
    </Text>
  );
}
