// --group-names FILE: JSON object, JSON array (az ad group list), Graph reply, CSV with or without a
// header; bad input names the file and the line.
import { describe, expect, it } from 'vitest';
import { groupNamesFromFile } from '../../../src/identity/group-names.js';
import { InputError } from '../../../src/errors.js';

const A = '1f5d9b3e-6a28-4c71-b4e0-93d7c2a85f16';
const B = 'c3a1f6e2-8b47-4d19-9e05-2f7a6b1d4c83';
const expected = new Map([[A, 'aks-team-a-devs'], [B, 'aks-cluster-admins']]);

function fails(text: string, message: RegExp | string): void {
  let err: unknown;
  try {
    groupNamesFromFile(text, 'groups.txt');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(message);
}

describe('groupNamesFromFile', () => {
  it.each([
    ['a JSON object', `{\n  "${A}": "aks-team-a-devs",\n  "${B}": "aks-cluster-admins"\n}\n`],
    ['a JSON array of {id, displayName}', JSON.stringify([{ id: A, displayName: 'aks-team-a-devs', description: 'x' }, { id: B, displayName: 'aks-cluster-admins' }], null, 2)],
    ['a JSON array of {id, name}', JSON.stringify([{ id: A, name: 'aks-team-a-devs' }, { id: B, name: 'aks-cluster-admins' }])],
    ['a Graph getByIds reply', JSON.stringify({ value: [{ '@odata.type': '#microsoft.graph.group', id: A, displayName: 'aks-team-a-devs' }, { id: B, displayName: 'aks-cluster-admins' }] })],
    ['CSV without header', `${A},aks-team-a-devs\n${B},aks-cluster-admins\n`],
    ['CSV with header, CRLF, comments and blank lines', `id,displayName\r\n# team A\r\n${A}, aks-team-a-devs\r\n\r\n${B},aks-cluster-admins\r\n`],
    ['CSV with a BOM and extra columns', `\uFEFFobjectId,name,description\n${A},aks-team-a-devs,Team A\n${B},aks-cluster-admins,Admins\n`],
    ['TSV', `${A}\taks-team-a-devs\n${B}\taks-cluster-admins\n`],
    ['a JSON array of {objectId, displayName}', JSON.stringify([{ objectId: A, displayName: 'aks-team-a-devs' }, { objectId: B, displayName: 'aks-cluster-admins' }])],
    ['upper-case ids', `${A.toUpperCase()},aks-team-a-devs\n${B.toUpperCase()},aks-cluster-admins\n`],
  ])('reads %s', (_name, text) => {
    expect(groupNamesFromFile(text, 'groups')).toEqual(expected);
  });

  it('reads quoted CSV names with commas and quotes', () => {
    const m = groupNamesFromFile(`${A},"Team A, ""devs"""\n`, 'groups.csv');
    expect(m.get(A)).toBe('Team A, "devs"');
  });

  it('accepts the same id twice with the same name', () => {
    expect(groupNamesFromFile(`${A},x\n${A},x\n`, 'g').size).toBe(1);
  });

  it.each([
    ['an empty file', '', /^groups\.txt: empty file/],
    ['broken JSON', `{\n  "${A}": "x",\n  "${B}" "y"\n}`, /^groups\.txt:3: invalid JSON/],
    ['a JSON value that is not an id', `{\n  "${A}": "x",\n  "team-b": "y"\n}`, /^groups\.txt:3: "team-b" is not a group object id/],
    ['a JSON name that is not a string', `{\n  "${A}": 42\n}`, /^groups\.txt:2: group .* has no name/],
    ['an array entry without id', `[\n  {"id": "${A}", "displayName": "x"},\n  {"displayName": "y"}\n]`, /^groups\.txt:3: null is not a group object id/],
    ['an array entry that is not an object', `[\n  "${A}"\n]`, /^groups\.txt:2: expected an object/],
    ['a JSON scalar', '["x"', /^groups\.txt:1: invalid JSON/],
    ['a CSV line without a name', `${A},x\n${B}\n`, /^groups\.txt:2: expected "<group id>,<name>"/],
    ['a CSV id that is not a GUID', `${A},x\nteam-b,y\n`, /^groups\.txt:2: "team-b" is not a group object id/],
    ['an unterminated quote', `${A},"x\n`, /^groups\.txt:1: unterminated quoted field/],
    ['conflicting names', `${A},x\n\n${A},y\n`, /^groups\.txt:3: group 1f5d9b3e-.* listed twice with different names \("x" on line 1, "y" here\)/],
    ['a header only', 'id,name\n', /^groups\.txt: no groups found/],
  ])('rejects %s', (_name, text, message) => {
    fails(text, message);
  });
});
