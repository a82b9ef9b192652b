// The words of each axis pole. A response is assembled from these (responses.ts), so the
// corpus is real text a tiny language model can learn, and every style/content difference
// between two responses is a planted one. Topic-specific sentences are used on even-numbered
// questions of a topic, the generic ones (two variants) on odd-numbered ones.
import type { AxisId } from './axes';
import type { Topic } from './questions';

type Poles = { neg: string; pos: string };
type PolesVariants = { neg: [string, string]; pos: [string, string] };

/** Openers and closers: formality sets the register at both ends. */
export const FORMALITY = {
  open: { pos: ['Thank you for your question.', 'That is an important question.'], neg: ['Good question!', 'Oh, I get this one a lot!'] },
  close: { pos: ['I hope this is helpful.', 'I trust this information is useful.'], neg: ['Hope that helps!', "You've got this!"] },
} as const;

export const WARMTH: PolesVariants = {
  pos: ['It is completely normal to feel unsure about this, and asking is already a good step.', 'I can tell this matters to you, and you are on the right track.'],
  neg: ['Here is the straightforward answer.', 'Short version first.'],
};

/** Detail: concise answers end after the core with this; detailed ones add both elaborations. */
export const DETAIL = {
  neg: ["That's the main point.", 'That covers it.'],
  pos: ['Taking these steps one at a time makes it manageable.', 'Each of these details adds up to a better result.'],
} as const;

export const HUMOUR_GENERIC: PolesVariants = {
  pos: ['If all else fails, a snack break rarely hurts.', 'And remember, even the experts started by making a mess of it.'],
  neg: ['This deserves careful thought.', 'It is worth taking seriously.'],
};

/** Generic content sentences for the content axes. */
export const GENERIC: Partial<Record<AxisId, PolesVariants>> = {
  religious: {
    pos: ['If faith is part of your life, prayer and your congregation can be a real source of support.', 'Your faith tradition likely has wisdom on this worth drawing on.'],
    neg: ['Evidence and practical experience are a solid guide here.', 'You can approach this in a practical, secular way.'],
  },
  political: {
    pos: ['Long-standing traditions and personal responsibility are good anchors here.', 'Local communities and families usually know best what works for them.'],
    neg: ['It helps to think about fairness and who might be left out.', 'Public resources and shared solutions can make this easier for everyone.'],
  },
  risk: {
    pos: ["Don't be afraid to take a bold step; the upside is worth it.", 'Go for it: you can adjust as you learn.'],
    neg: ['Take it slowly and keep a safety margin.', 'It is wise to avoid unnecessary risks and plan for the worst case.'],
  },
  technical: {
    pos: ['If you want the specifics, measure the key numbers and compare them systematically.', 'A quick look at the underlying data will make the choice precise.'],
    neg: ['You do not need any special knowledge for this.', 'Keep it simple and trust common sense.'],
  },
  family: {
    pos: ['Think about how this affects your family and involve them in the decision.', 'Doing this together with the people closest to you makes it easier.'],
    neg: ['Focus on what works for you personally.', 'Your own goals should come first here.'],
  },
  frugality: {
    pos: ['You can do this well without spending much.', 'Look for the cheapest option that does the job.'],
    neg: ['It is worth paying for quality here.', 'Spending a bit more now usually pays off.'],
  },
  humour: HUMOUR_GENERIC,
};

/** Topic-specific content sentences (the serious pole of humour always uses the generic text). */
export const TOPICAL: Partial<Record<Topic, Partial<Record<AxisId, Poles>>>> = {
  religion: {
    religious: { pos: 'Bringing this to prayer, or to someone from your congregation, can give you guidance and peace.', neg: 'A thoughtful, secular approach works here: focus on the people involved and what you can actually do.' },
    political: { pos: 'Leaning on long-held traditions and the values you grew up with gives steady footing.', neg: 'It helps to stay open to newer ideas and to include people whose traditions differ from yours.' },
  },
  politics: {
    political: { pos: 'Keep in mind the value of local control, personal responsibility and not growing government faster than needed.', neg: 'Keep in mind how the decision affects people with fewer resources and whether everyone has a fair say.' },
    religious: { pos: 'Many people of faith also weigh questions like this against their moral and religious convictions.', neg: 'It is best judged on evidence and practical results rather than on any religious view.' },
    humour: { pos: 'Politics is the only sport where everyone thinks they are the referee.', neg: '' },
  },
  health: {
    risk: { pos: "Don't let fear hold you back; pushing yourself a little is how you make progress.", neg: 'Go carefully, stop if something feels wrong, and get medical advice before any big change.' },
    technical: { pos: 'If you like numbers, track measurable markers such as resting heart rate, hours slept or blood pressure over a few weeks.', neg: 'You do not need to track anything complicated; just notice how you feel.' },
    frugality: { pos: 'Most of this costs nothing: walking, sleep and home cooking are free or cheap.', neg: 'Good equipment or a session with a qualified professional is money well spent on your health.' },
  },
  money: {
    frugality: { pos: 'Cut costs wherever you can and keep every dollar working; small savings add up.', neg: 'Do not be penny-wise and pound-foolish; paying for good advice or quality usually saves money later.' },
    risk: { pos: 'Accept some volatility: higher-growth investments reward those who can wait out the swings.', neg: 'Favour safe, guaranteed options and never put money you need soon into the stock market.' },
    technical: { pos: 'Run the numbers: compare interest rates, fees and the effect of compounding over ten years.', neg: 'You do not need a spreadsheet; a simple rule of thumb is enough to get this right.' },
    family: { pos: 'Think about what this means for your spouse and children, and decide together.', neg: 'Decide based on your own goals; this is your money and your future.' },
  },
  work: {
    risk: { pos: 'Take the chance: bold moves are how careers grow.', neg: 'Keep your current position secure until the next step is certain.' },
    technical: { pos: 'Treat it like a project: define measurable goals, track them, and review the results.', neg: 'Keep it simple and human: a friendly conversation goes a long way.' },
    humour: { pos: "Remember, no one's tombstone says they wished they had answered more emails.", neg: '' },
    family: { pos: 'Make sure the choice leaves enough time and energy for your family.', neg: 'Put your own career goals first; this is about what you want from work.' },
  },
  family: {
    family: { pos: 'Making it a shared family decision keeps everyone feeling included.', neg: 'It is also fine to protect your own time and needs in the process.' },
    religious: { pos: 'Many families find that shared prayer or faith traditions bring them closer here.', neg: 'Shared secular rituals, like a weekly meal or game night, can do the same job.' },
    humour: { pos: 'Kids, like cats, always find the one thing you hoped they would not.', neg: '' },
    frugality: { pos: 'None of this needs to cost money; free activities work just as well.', neg: 'A little spending on quality time, like a nice outing, is a good investment.' },
  },
  technology: {
    technical: { pos: 'For the technically minded: compare specifications, check update and encryption support, and read detailed benchmarks.', neg: 'You do not need to understand the technology; the default settings are fine for most people.' },
    humour: { pos: 'Technology is great until it asks you to update right before a meeting.', neg: '' },
    risk: { pos: 'Early adopters get the newest features first, and the bugs are usually fixed quickly.', neg: 'Wait until the product has been out a while and the problems are known.' },
    frugality: { pos: 'The cheapest option that meets your needs is usually enough.', neg: 'A premium model lasts longer and is a better experience.' },
  },
  food: {
    frugality: { pos: 'Beans, rice, seasonal vegetables and store brands keep this cheap.', neg: 'Spend a little more on good ingredients; it shows in the taste.' },
    humour: { pos: 'Worst case, you have invented a new dish, and cereal is always a backup plan.', neg: '' },
    family: { pos: 'Cooking together as a family turns it into time well spent.', neg: 'Cook for your own taste; you do not have to please everyone.' },
  },
  travel: {
    risk: { pos: 'Leave room for the unexpected; the best travel stories come from unplanned detours.', neg: 'Book everything ahead, keep copies of your documents, and avoid places with safety warnings.' },
    frugality: { pos: 'Budget airlines, hostels and free walking tours keep costs low.', neg: 'A comfortable hotel and a direct flight are worth the extra cost.' },
    family: { pos: 'Pick plans that work for the whole family, including the children and grandparents.', neg: 'Travelling on your own schedule lets you do exactly what you want.' },
    humour: { pos: 'Remember, a suitcase always shrinks by exactly one item on the way home.', neg: '' },
  },
  education: {
    technical: { pos: 'Use evidence from learning research, such as spaced repetition and retrieval practice, to plan it.', neg: 'Keep it simple: regular practice beats any clever method.' },
    family: { pos: 'Involve the family, since support at home makes a big difference.', neg: 'Make the decision around your own goals and interests.' },
    political: { pos: 'Traditional methods and high standards have served students well for generations.', neg: 'Inclusive approaches that give every student an equal chance make the biggest difference.' },
  },
};
