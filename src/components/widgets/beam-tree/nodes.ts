/**
 * Turns a beam step's trace into what the tree chart draws: each tree node with its label and
 * status. Only arranges trace fields; the search itself decided every status.
 */
import type { BeamStepTrace } from '../../../lib/decoding';
import type { BeamTreeNode, BeamTreeStatus } from '../../../lib/charts/beamTree';
import { visibleWhitespace } from '../../../lib/site/tokenText';

export function treeNodes(trace: BeamStepTrace, tokenText: (id: number) => string): BeamTreeNode[] {
  const running = new Set(trace.running.map((beam) => beam.nodeId));
  const finished = new Set(trace.finished.map((hyp) => hyp.nodeId));
  return trace.tree.map((node) => {
    let status: BeamTreeStatus = 'live';
    if (node.parentId === null) status = 'root';
    else if (running.has(node.id)) status = 'running';
    else if (finished.has(node.id)) status = 'finished';
    else if (node.pruned) status = 'pruned';
    return {
      id: node.id,
      parentId: node.parentId,
      step: node.step,
      label: node.token === null ? 'prompt' : visibleWhitespace(tokenText(node.token)),
      cumulativeLogprob: node.cumulativeLogprob,
      status,
    };
  });
}
