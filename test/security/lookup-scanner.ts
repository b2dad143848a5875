/**
 * A static scan (TypeScript's own parser and type checker) for lookups that can find Object.prototype
 * members: `record[key]` and `key in record` where `key` is a string the type system does not pin to
 * a few literals. Such a lookup is accepted only when it cannot reach the prototype:
 *   - guarded: `Object.hasOwn(record, key) ? record[key] : …`, `if (Object.hasOwn(record, key)) …`,
 *     or `Object.hasOwn(record, key) && record[key]` (same record and key text);
 *   - a read of `record[key]` where `key` iterates `Object.keys(record)` / `Object.entries(record)`
 *     (a for-of loop, or the callback of a method chained on them);
 *   - `delete record[key]`, which removes an own property or nothing;
 *   - annotated: a comment `own-key: <why>` on the line or the line above (say why the key is safe).
 * Maps, Sets, arrays and literal-typed keys are not lookups by an untrusted string and pass.
 */
import path from 'node:path';
import ts from 'typescript';

/** One lookup the scan refuses. */
export interface LookupFinding {
  file: string;
  line: number;
  text: string;
  kind: 'element-access' | 'in-operator';
}

const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

function isLiteralKey(node: ts.Expression): boolean {
  return ts.isStringLiteral(node) || ts.isNumericLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand));
}

function isSafeKeyType(type: ts.Type, expression: ts.Expression): boolean {
  if (type.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.ESSymbolLike)) return true;
  // A cast can claim anything, so a key typed by `as` is judged as a plain string.
  if (ts.isAsExpression(expression) || ts.isTypeAssertionExpression(expression) || ts.isNonNullExpression(expression) && ts.isAsExpression(expression.expression)) return false;
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((part) => (part.isStringLiteral() && !PROTOTYPE_NAMES.has(part.value)) || part.isNumberLiteral() || (part.flags & ts.TypeFlags.Undefined) !== 0);
}

function isArrayLike(checker: ts.TypeChecker, type: ts.Type): boolean {
  const apparent = checker.getApparentType(type);
  if (checker.isArrayType(apparent) || checker.isTupleType(apparent)) return true;
  if (apparent.flags & ts.TypeFlags.StringLike) return true;
  return apparent.getNumberIndexType() !== undefined && apparent.getStringIndexType() === undefined;
}

function stripOptional(text: string): string {
  return text.replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '');
}

/** True when `condition` (or one of its && operands) is Object.hasOwn(objectText, keyText). */
function conditionGuards(condition: ts.Expression, objectText: string, keyText: string): boolean {
  if (ts.isParenthesizedExpression(condition)) return conditionGuards(condition.expression, objectText, keyText);
  if (ts.isBinaryExpression(condition) && condition.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    return conditionGuards(condition.left, objectText, keyText) || conditionGuards(condition.right, objectText, keyText);
  }
  if (!ts.isCallExpression(condition) || condition.arguments.length !== 2) return false;
  if (stripOptional(condition.expression.getText()) !== 'Object.hasOwn') return false;
  const [object, key] = condition.arguments;
  return stripOptional(object!.getText()) === objectText && stripOptional(key!.getText()) === keyText;
}

function within(node: ts.Node, container: ts.Node | undefined): boolean {
  return container !== undefined && node.getStart() >= container.getStart() && node.getEnd() <= container.getEnd();
}

function isAssignmentTarget(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  return ts.isPrefixUnaryExpression(parent) || ts.isPostfixUnaryExpression(parent);
}

/** True for `Object.keys(objectText)` / `Object.entries(objectText)`, or a method chain starting there. */
function isOwnKeysOf(expression: ts.Expression, objectText: string): boolean {
  if (ts.isCallExpression(expression)) {
    const callee = stripOptional(expression.expression.getText());
    if (callee === 'Object.keys' || callee === 'Object.entries') return stripOptional(expression.arguments[0]?.getText() ?? '') === objectText;
    if (ts.isPropertyAccessExpression(expression.expression)) return isOwnKeysOf(expression.expression.expression, objectText);
  }
  return false;
}

function loopKeyOf(loop: ts.ForOfStatement): string | undefined {
  const initializer = loop.initializer;
  if (!ts.isVariableDeclarationList(initializer)) return undefined;
  const name = initializer.declarations[0]?.name;
  if (name && ts.isIdentifier(name)) return name.text;
  if (name && ts.isArrayBindingPattern(name)) {
    const first = name.elements[0];
    if (first && ts.isBindingElement(first) && ts.isIdentifier(first.name)) return first.name.text;
  }
  return undefined;
}

function isGuarded(node: ts.ElementAccessExpression): boolean {
  const objectText = stripOptional(node.expression.getText());
  const keyText = stripOptional(node.argumentExpression.getText());
  for (let ancestor: ts.Node = node.parent; ancestor && !ts.isSourceFile(ancestor); ancestor = ancestor.parent) {
    if (ts.isConditionalExpression(ancestor) && within(node, ancestor.whenTrue) && conditionGuards(ancestor.condition, objectText, keyText)) return true;
    if (ts.isIfStatement(ancestor) && within(node, ancestor.thenStatement) && conditionGuards(ancestor.expression, objectText, keyText)) return true;
    if (ts.isBinaryExpression(ancestor) && ancestor.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && within(node, ancestor.right) && conditionGuards(ancestor.left, objectText, keyText)) return true;
    if (ts.isForOfStatement(ancestor) && !isAssignmentTarget(node) && loopKeyOf(ancestor) === keyText && isOwnKeysOf(ancestor.expression, objectText)) return true;
    // Object.keys(record).filter((key) => record[key] ...): the callback's key is an own key.
    if ((ts.isArrowFunction(ancestor) || ts.isFunctionExpression(ancestor)) && !isAssignmentTarget(node)) {
      const parameter = ancestor.parameters[0]?.name;
      const call = ancestor.parent;
      if (parameter && ts.isIdentifier(parameter) && parameter.text === keyText && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression) && isOwnKeysOf(call.expression.expression, objectText)) return true;
    }
  }
  return false;
}

function isAnnotated(sourceFile: ts.SourceFile, node: ts.Node): boolean {
  const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line;
  const lines = sourceFile.text.split('\n');
  return [lines[line], lines[line - 1]].some((text) => text !== undefined && /\/\/.*\bown-key:\s*\S/.test(text));
}

/** Scans the given TypeScript files (type-checked together) and returns every refused lookup. */
export function scanLookups(files: readonly string[], options: ts.CompilerOptions, root: string): LookupFinding[] {
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();
  const wanted = new Set(files.map((file) => path.resolve(file)));
  const findings: LookupFinding[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!wanted.has(path.resolve(sourceFile.fileName))) continue;
    const report = (node: ts.Node, kind: LookupFinding['kind']) => {
      if (isAnnotated(sourceFile, node)) return;
      const line = sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      findings.push({ file: path.relative(root, sourceFile.fileName), line, text: node.getText().slice(0, 100), kind });
    };
    const visit = (node: ts.Node): void => {
      // `delete record[key]` removes an own property or nothing: it never reaches the prototype.
      if (ts.isElementAccessExpression(node) && !isLiteralKey(node.argumentExpression) && !ts.isDeleteExpression(node.parent)) {
        const keyType = checker.getTypeAtLocation(node.argumentExpression);
        const objectType = checker.getTypeAtLocation(node.expression);
        if (!isSafeKeyType(keyType, node.argumentExpression) && !isArrayLike(checker, objectType) && !isGuarded(node)) report(node, 'element-access');
      }
      if (ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression) && PROTOTYPE_NAMES.has(node.argumentExpression.text)) {
        report(node, 'element-access');
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InKeyword) {
        const key = node.left;
        if (!ts.isStringLiteral(key) || PROTOTYPE_NAMES.has(key.text)) report(node, 'in-operator');
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return findings;
}
