import { OrgModel } from './OrgModel';

/** department → tribe → squad → sub-squad, plus a second tribe and a loop the catalog should never have. */
const org = new OrgModel([
  { ref: 'group:default/dept', title: 'Department', type: 'department' },
  {
    ref: 'group:default/tribe-a',
    title: 'Tribe A',
    type: 'tribe',
    parentRef: 'group:default/dept',
  },
  {
    ref: 'group:default/squad-2',
    title: 'B squad',
    type: 'squad',
    parentRef: 'group:default/tribe-a',
  },
  {
    ref: 'group:default/squad-1',
    title: 'A squad',
    type: 'squad',
    parentRef: 'group:default/tribe-a',
  },
  {
    ref: 'group:default/sub-1',
    title: 'Sub 1',
    type: 'squad',
    parentRef: 'group:default/squad-1',
  },
  { ref: 'group:default/tribe-b', title: 'Tribe B', type: 'tribe' },
  {
    ref: 'group:default/loop-1',
    title: 'Loop 1',
    parentRef: 'group:default/loop-2',
  },
  {
    ref: 'group:default/loop-2',
    title: 'Loop 2',
    parentRef: 'group:default/loop-1',
  },
]);

describe('OrgModel', () => {
  it('walks down at any depth, children by title', () => {
    expect(org.childrenOf('tribe-a').map(g => g.ref)).toEqual([
      'group:default/squad-1',
      'group:default/squad-2',
    ]);
    expect(org.treeOf('group:default/dept')).toEqual([
      'group:default/dept',
      'group:default/tribe-a',
      'group:default/squad-1',
      'group:default/squad-2',
      'group:default/sub-1',
    ]);
    expect(org.treeOf('squad-1')).toEqual([
      'group:default/squad-1',
      'group:default/sub-1',
    ]);
    expect(org.treeOf('user:default/jane')).toEqual(['user:default/jane']);
  });

  it('walks up at any depth; rollUpsOf is the inverse of treeOf', () => {
    expect(org.ancestorsOf('sub-1')).toEqual([
      'group:default/squad-1',
      'group:default/tribe-a',
      'group:default/dept',
    ]);
    for (const group of org.groups()) {
      for (const owner of org.treeOf(group.ref)) {
        expect(org.rollUpsOf(owner)).toContain(group.ref);
      }
    }
  });

  it('finds the tribe by type and the squad directly below it', () => {
    expect(org.tribeOf('sub-1')).toBe('group:default/tribe-a');
    expect(org.squadOf('sub-1')).toBe('group:default/squad-1');
    expect(org.squadOf('squad-2')).toBe('group:default/squad-2');
    expect(org.tribeOf('tribe-a')).toBe('group:default/tribe-a');
    expect(org.squadOf('tribe-a')).toBe('group:default/tribe-a');
    // Above any tribe, or outside the org: the top of the chain, itself.
    expect(org.tribeOf('dept')).toBe('group:default/dept');
    expect(org.tribeOf('user:default/jane')).toBe('user:default/jane');
  });

  it('reads an untyped two-level org as tribe → squad', () => {
    const untyped = new OrgModel([
      { ref: 'group:default/top', title: 'Top' },
      {
        ref: 'group:default/child',
        title: 'Child',
        parentRef: 'group:default/top',
      },
    ]);
    expect(untyped.tribeOf('child')).toBe('group:default/top');
    expect(untyped.squadOf('child')).toBe('group:default/child');
  });

  it('survives parent loops', () => {
    expect(org.ancestorsOf('loop-1')).toEqual(['group:default/loop-2']);
    expect(org.treeOf('loop-1')).toEqual([
      'group:default/loop-1',
      'group:default/loop-2',
    ]);
    expect(org.tribeOf('loop-1')).toBe('group:default/loop-2');
  });

  it('titles unknown refs by name', () => {
    expect(org.titleOf('group:default/squad-1')).toBe('A squad');
    expect(org.titleOf('group:default/gone')).toBe('gone');
  });
});
