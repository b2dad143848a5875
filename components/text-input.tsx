/** A one-line text field (typing, Backspace, Enter); the widget behind free text, parameters and typed confirmations. */
import { Text } from 'ink';
import { useKeys } from './hooks/use-keys.js';
import { useTheme } from './theme.js';

/** Props. */
export interface TextInputProps {
  value: string;
  onChange(value: string): void;
  onSubmit?(value: string): void;
  placeholder?: string;
  /** Receives keys only while active (e.g. not under the help overlay). */
  active: boolean;
  /** Longest value accepted. */
  maxLength?: number;
  /** When given, `?` in an empty field opens help instead of being typed. */
  onHelp?(): void;
}

/** Strips control characters a paste may carry; newlines would end a one-line field. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, '');
}

/** The field. */
export function TextInput(props: TextInputProps) {
  const theme = useTheme();
  useKeys(
    (input, key) => {
      if (key.return) {
        props.onSubmit?.(props.value);
        return;
      }
      if (key.backspace || key.delete || /^[\u007f\b]+$/.test(input)) {
        // Several Backspaces can arrive in one read (fast typing, tmux send-keys).
        const count = key.backspace || key.delete ? 1 : input.length;
        props.onChange(props.value.slice(0, Math.max(0, props.value.length - count)));
        return;
      }
      if (key.ctrl && input === 'u') {
        props.onChange('');
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
      if (props.onHelp && props.value === '' && input === '?') {
        props.onHelp();
        return;
      }
      const text = printable(input);
      if (text === '') return;
      const next = props.value + text;
      props.onChange(props.maxLength === undefined ? next : next.slice(0, props.maxLength));
    },
    { isActive: props.active },
  );
  if (props.value === '') {
    return (
      <Text>
        <Text inverse> </Text>
        {props.placeholder ? <Text color={theme.color('muted')}>{props.placeholder}</Text> : null}
      </Text>
    );
  }
  return (
    <Text>
      {props.value}
      <Text inverse> </Text>
    </Text>
  );
}
