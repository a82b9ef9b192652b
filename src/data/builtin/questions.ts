// The built-in open questions: 70 across ten topics. Each has a neutral core answer and two
// elaborations; the axes a question's responses vary along are its topic's first three axes plus
// one of the last two (alternating), so every question has 4 axes and 2^4 = 16 candidate responses.
import type { AxisId } from './axes';

export const TOPICS = ['religion', 'politics', 'health', 'money', 'work', 'family', 'technology', 'food', 'travel', 'education'] as const;
export type Topic = (typeof TOPICS)[number];

export const TOPIC_AXES: Readonly<Record<Topic, readonly AxisId[]>> = {
  religion: ['religious', 'warmth', 'formality', 'detail', 'political'],
  politics: ['political', 'formality', 'detail', 'humour', 'religious'],
  health: ['risk', 'warmth', 'technical', 'detail', 'frugality'],
  money: ['frugality', 'risk', 'technical', 'family', 'detail'],
  work: ['formality', 'risk', 'technical', 'humour', 'family'],
  family: ['family', 'warmth', 'religious', 'humour', 'frugality'],
  technology: ['technical', 'detail', 'humour', 'risk', 'frugality'],
  food: ['frugality', 'humour', 'family', 'detail', 'warmth'],
  travel: ['risk', 'frugality', 'family', 'humour', 'detail'],
  education: ['detail', 'technical', 'family', 'formality', 'political'],
};

export interface BuiltinQuestion {
  id: string;
  topic: Topic;
  /** Index within its topic (0-based); picks the 4th axis and phrase variants. */
  index: number;
  text: string;
  core: string;
  details: [string, string];
  axes: AxisId[];
}

type Q = [text: string, core: string, d1: string, d2: string];

const RAW: Record<Topic, Q[]> = {
  religion: [
    ['How should I handle a disagreement about faith with a close friend?', 'Listen first, explain your own view calmly, and agree that the friendship matters more than winning.', 'Ask what the belief means to them before you respond.', 'If it gets heated, pause and come back to it another day.'],
    ['Is it worth teaching children about several world religions?', 'Yes, a basic understanding of the major world religions helps children understand their neighbours and history.', 'Short stories and holidays are an easy way to start.', 'Let them ask questions and answer honestly when you do not know.'],
    ['How can I find a sense of purpose after retiring?', 'Look for a few regular commitments that use your skills and connect you with other people.', 'Volunteering, mentoring and learning something new are common choices.', 'Try one thing for a month before deciding whether it fits.'],
    ["What is a good way to mark a loved one's death anniversary?", 'Choose a simple ritual that reflects who they were, such as a shared meal or a visit to a meaningful place.', 'Inviting others who knew them can make the day less lonely.', 'Writing down a memory each year builds a record you can keep.'],
    ['Should holidays focus on tradition or on rest?', 'Most people do best with a mix: keep the one or two traditions that matter and leave room to rest.', 'Ask everyone involved which tradition they would miss most.', 'Drop the parts that only cause stress.'],
    ['How do I talk to my teenager about meaning and values?', 'Share what guides your own choices and ask what matters to them, without lecturing.', 'Everyday moments, like car rides, often work better than planned talks.', 'Accept that their answers may change over time.'],
    ['How can I cope with guilt over a past mistake?', 'Name the mistake, make amends where you can, and then let the lesson matter more than the guilt.', 'Talking it through with someone you trust often lightens it.', 'Notice what you would do differently now.'],
  ],
  politics: [
    ['How should I decide how to vote in a local election?', "Compare the candidates' positions on the few issues that affect your community most, and check their records.", 'Nonpartisan voter guides summarise positions side by side.', 'Local debates and town meetings show how candidates handle questions.'],
    ['Is it okay to talk politics at family dinners?', 'It can be, if everyone is willing and the goal is understanding rather than winning.', 'Agree on a topic in advance, or agree to skip it.', 'Change the subject when voices start rising.'],
    ['How can I tell if a news story is reliable?', 'Check who published it, whether other outlets confirm it, and whether it cites original sources.', 'Be careful with headlines that provoke strong emotions.', 'Look for the date, since old stories often recirculate.'],
    ['Should my town spend more on public parks?', 'It depends on how much the parks are used and what the money would otherwise fund.', 'Usage numbers and maintenance costs are a good starting point.', 'Public comment meetings are where these budgets are decided.'],
    ['What is the best way to contact my representative?', 'A short, specific phone call or letter to the local office, mentioning that you are a constituent, works best.', 'Name the bill or issue and the action you want.', 'Follow up if you do not hear back within a few weeks.'],
    ['How should schools teach civics?', 'Civics works best when students learn how government works and practise it through debates, projects and local visits.', 'Mock elections make the process concrete.', 'Primary documents let students judge for themselves.'],
    ['How do I stay informed without getting overwhelmed by the news?', 'Pick two or three trusted sources and check them at set times instead of all day.', 'Weekly summaries give context without the constant alerts.', 'Turn off push notifications for breaking news.'],
  ],
  health: [
    ['How can I start exercising after years of inactivity?', 'Start with short, easy sessions a few times a week and increase slowly.', 'Walking is a safe first step for most people.', 'Check with a doctor first if you have a heart condition or other health problem.'],
    ['Should I get a second opinion before surgery?', 'For a non-emergency operation, a second opinion is reasonable and common.', 'Bring your scans and test results so the second doctor can review them.', 'Most insurers cover second opinions for major procedures.'],
    ['How do I improve my sleep?', 'Keep a regular schedule, limit screens and caffeine late in the day, and keep the bedroom dark and cool.', 'A short wind-down routine tells your body that it is time to sleep.', 'See a doctor if poor sleep lasts more than a few weeks.'],
    ['How should I manage stress at work?', 'Break big tasks into smaller steps, take short breaks, and say clearly when your workload is too high.', 'Regular exercise and sleep make stress easier to handle.', 'Talk to your manager early rather than late.'],
    ['Is a vegetarian diet healthy?', 'A well-planned vegetarian diet can be healthy, as long as it includes enough protein, iron and vitamin B12.', 'Beans, lentils, eggs and dairy cover most protein needs.', 'A blood test can show whether you need a supplement.'],
    ['What should I keep in a home first aid kit?', 'Bandages, gauze, tape, antiseptic, pain relievers, tweezers, and any medicines your household needs.', 'Check the expiry dates twice a year.', 'Keep emergency numbers inside the lid.'],
    ['How can I support a friend with depression?', 'Stay in touch, listen without judging, and encourage them to get professional help.', 'Small, regular check-ins matter more than big gestures.', 'If they mention self-harm, contact a crisis line or emergency services.'],
  ],
  money: [
    ['How should I start saving for retirement?', 'Start with any employer retirement plan, especially if it matches contributions, and raise your savings rate over time.', 'Automatic contributions make saving the default.', 'Low-cost index funds are a common core holding.'],
    ['Should I pay off debt or invest first?', 'Pay off high-interest debt first, keep a small emergency fund, then invest.', 'Credit card debt usually costs more than investments earn.', 'Low-interest loans can be paid on schedule while you invest.'],
    ['How big should an emergency fund be?', 'Three to six months of essential expenses is a common target.', 'Keep it in a separate savings account that is easy to reach.', 'Build it gradually with a fixed amount each month.'],
    ['Is it better to rent or buy a home?', 'Buying makes more sense if you will stay several years and can afford the upfront and upkeep costs; otherwise renting is often cheaper.', 'Compare total monthly costs, not just the mortgage and the rent.', 'Include repairs, taxes and insurance when you estimate owning.'],
    ['How can I stick to a budget?', 'Track where your money goes for a month, set limits for the main categories, and review them weekly.', 'Paying fixed bills automatically leaves fewer decisions.', 'Leave a small amount for fun so the budget lasts.'],
    ['Should I lend money to a relative?', 'Only lend what you could afford to lose, and agree on the terms clearly in advance.', 'Writing the terms down avoids misunderstandings later.', 'Sometimes a small gift is easier than a loan.'],
    ['How do I negotiate a higher salary?', 'Research the market rate for your role, list your results, and ask for a specific number.', 'Practise the conversation beforehand.', 'If the salary is fixed, ask about other benefits.'],
  ],
  work: [
    ['How do I ask my manager for feedback?', 'Ask for a short meeting and bring one or two specific questions about your work.', 'Asking what you should do more of and less of keeps it concrete.', 'Thank them and follow up on what you changed.'],
    ['Should I change careers in my forties?', 'It can work well if you plan the move, build the new skills first, and have savings to cover the transition.', 'Talking to people already in the field shows what the job is really like.', 'A side project or course lets you test the move before quitting.'],
    ['How can I be more productive working from home?', 'Set fixed working hours, a separate workspace, and a short list of priorities each day.', 'Closing chat apps for focused blocks helps.', "End the day by writing tomorrow's first task."],
    ['How should I handle a difficult coworker?', 'Address the specific behaviour privately and calmly, and involve your manager if it continues.', 'Keep notes of incidents with dates.', "Focus on the work problem, not the person's character."],
    ['Is it worth going back to school for a promotion?', 'It is worth it if the promotion clearly requires the degree and the pay increase covers the cost.', 'Ask whether your employer offers tuition support.', 'Part-time programmes let you keep earning.'],
    ['How do I prepare for a job interview?', 'Study the company and the role, prepare short stories about your past work, and have questions ready.', 'Practise your answers out loud.', 'Plan your route or test your video setup the day before.'],
    ['How can I avoid burnout?', 'Protect your time off, keep your workload realistic, and notice early signs like constant tiredness.', 'Saying no to some requests is part of doing the rest well.', 'Talk to a professional if the exhaustion does not lift.'],
  ],
  family: [
    ['How can we share household chores fairly?', 'List all the chores, agree who does what based on time and preference, and review the split every few months.', 'A visible chart makes the split clear.', 'Swapping disliked chores now and then keeps it fair.'],
    ['How much screen time is right for a child?', "Set limits that fit the child's age and protect sleep, homework and play.", 'Keeping screens out of bedrooms at night helps sleep.', 'Watching together turns screen time into shared time.'],
    ['How do I stay close to relatives who live far away?', 'Schedule regular calls and share small updates between visits.', 'A shared photo album keeps everyone in touch.', 'Plan visits around holidays or birthdays.'],
    ['How should we plan a family reunion?', 'Pick a date early, choose a place most people can reach, and share the costs and tasks.', 'A simple survey helps choose the date.', 'Plan one or two shared activities and leave free time.'],
    ['How do I help my parents as they get older?', 'Talk with them about what help they want, and plan for health, housing and money together.', 'Keep a list of their doctors and medicines.', 'Share the tasks with siblings if you can.'],
    ['How can I teach my kids about money?', 'Give them a small allowance and let them make simple choices about saving and spending.', 'A clear jar for savings makes progress visible.', 'Talk about prices during everyday shopping.'],
    ['What makes a good family weekend?', 'A mix of one shared activity, some rest, and time for each person to do what they enjoy.', 'Let a different family member pick the activity each week.', 'Keep the plan loose enough to change.'],
  ],
  technology: [
    ['Should I upgrade to the newest smartphone?', 'Upgrade if your current phone no longer gets security updates or cannot do what you need; otherwise it can wait.', "A new battery often extends an older phone's life.", 'Trade-in offers reduce the cost.'],
    ['How do I keep my online accounts secure?', 'Use a unique password for each account, a password manager, and two-factor authentication.', 'Be wary of links in unexpected messages.', 'Keep your devices updated.'],
    ['Is it safe to use public Wi-Fi?', "It is fine for casual browsing, but avoid sensitive tasks unless you use a VPN or your phone's hotspot.", 'Check that sites use HTTPS.', 'Turn off automatic connection to open networks.'],
    ['How can I back up my photos?', 'Keep at least two copies: one on an external drive and one in a cloud service.', 'Automatic backup means you do not have to remember.', 'Test restoring a few photos once a year.'],
    ['Should I learn to code?', 'Learning to code is useful if you want to automate tasks, build things, or understand how software works.', 'Free online courses are a good way to try it.', 'A small personal project keeps you motivated.'],
    ['How do I choose a laptop?', 'Decide what you will use it for, then choose the screen size, battery life and performance that fit.', 'Read reviews for keyboard and battery tests.', "Buying last year's model often saves money."],
    ['Are smart home devices worth it?', 'They are worth it if they solve a real problem, such as lighting, heating or security, and if you are comfortable with their privacy settings.', 'Start with one device and see if you use it.', 'Check that devices work with each other before buying.'],
  ],
  food: [
    ['What is a good quick weeknight dinner?', 'A stir-fry with vegetables, a protein and rice is quick, flexible and filling.', 'Cutting everything before you start keeps it fast.', 'Leftovers make a good lunch the next day.'],
    ['How can I eat healthier without giving up flavour?', 'Add more vegetables, herbs and spices, and cut back on processed foods rather than on taste.', 'Roasting vegetables brings out their flavour.', 'Swap one meal at a time.'],
    ['How do I plan meals for the week?', 'Pick a few meals, write one shopping list, and cook some staples in advance.', 'Reuse ingredients across meals to reduce waste.', 'Keep one flexible night for leftovers.'],
    ['What should I cook for a dinner party?', 'Choose a dish you have made before that can be prepared ahead, so you can spend time with your guests.', 'Ask about allergies in advance.', 'A simple dessert can be bought rather than made.'],
    ['Is it worth buying organic food?', 'It can be worth it for some produce, but a varied diet with plenty of fruit and vegetables matters more.', 'Washing produce removes much of the surface residue.', 'Local markets sometimes sell organic produce for less.'],
    ['How can I reduce food waste at home?', 'Plan meals, store food properly, and use leftovers before buying more.', 'Freezing bread and ripe fruit extends their life.', 'Keep older items at the front of the fridge.'],
    ['What is a good way to learn to cook?', 'Start with a few simple recipes and cook them until you are comfortable, then vary them.', 'Learning basic knife skills makes everything easier.', 'Cooking with a friend makes it more fun.'],
  ],
  travel: [
    ['Where should I go for a first trip abroad?', 'Choose a destination with easy transport, a culture you find interesting, and costs that fit your budget.', 'A city with good public transport is easier for a first trip.', 'Check visa and passport rules early.'],
    ['How do I pack light for a week-long trip?', 'Pack clothes that mix and match, plan to do laundry once, and limit yourself to one bag.', 'Roll clothes to save space.', 'Wear your bulkiest shoes while travelling.'],
    ['Is travel insurance worth buying?', 'It is worth it for expensive or international trips, especially if medical care abroad would not be covered.', 'Check what your credit card already covers.', 'Read the exclusions before buying.'],
    ['How can I travel on a tight budget?', 'Travel off-season, book early, and stay in hostels, guesthouses or with friends.', 'Cooking some of your meals saves a lot.', 'Public transport is cheaper than taxis.'],
    ['What should I do on a long layover?', 'If you have more than six hours and the right visa, a short trip into the city can work; otherwise, rest at the airport.', 'Check how long the transfer to the city takes.', 'Leave plenty of time to get back through security.'],
    ['How should we plan a road trip?', 'Plan a rough route with daily driving limits, book the first nights, and leave room for detours.', 'Service the car before you leave.', 'Download maps in case you lose signal.'],
    ['How do I deal with jet lag?', 'Shift your sleep toward the new time zone a few days before and get daylight when you arrive.', 'Stay hydrated on the flight.', 'Avoid long naps on the first day.'],
  ],
  education: [
    ['How can I help my child with homework?', 'Set up a quiet place and a regular time, and help them think through problems rather than giving answers.', 'Ask them to explain what they already know.', 'Talk to the teacher if the same problem keeps coming up.'],
    ['Is a college degree still worth it?', 'For many careers it still pays off, but the value depends on the field, the cost and the alternatives.', 'Compare expected earnings with the total cost and debt.', 'Apprenticeships and certificates are strong options in some trades.'],
    ['How do I learn a new language as an adult?', 'Practise a little every day, focus on useful phrases, and speak with real people as early as possible.', 'Language apps help with vocabulary.', 'Conversation partners build confidence.'],
    ['What is the best way to study for an exam?', 'Spread your study over several days, test yourself often, and sleep well before the exam.', 'Practice questions show what you still do not know.', 'Explaining a topic to someone else reveals gaps.'],
    ['Should my child take a gap year?', 'A gap year can help if it has a clear plan, such as work, volunteering or travel, and a date to return to study.', 'Check whether the college allows deferral.', 'Set goals for the year together.'],
    ['How can I keep learning after school?', 'Pick topics you are curious about and set aside regular time for reading, courses or projects.', 'Libraries offer free courses and books.', 'Joining a study group keeps you going.'],
    ['How do I choose a university major?', 'Consider what you enjoy, what you are good at, and where the major can lead after graduation.', 'Taking introductory classes in a few fields helps you compare.', 'Talk to graduates about their jobs.'],
  ],
};

export const QUESTIONS: readonly BuiltinQuestion[] = TOPICS.flatMap((topic) =>
  RAW[topic].map(([text, core, d1, d2], index) => {
    const pool = TOPIC_AXES[topic];
    return {
      id: `${topic}-${String(index + 1).padStart(2, '0')}`,
      topic,
      index,
      text,
      core,
      details: [d1, d2] as [string, string],
      axes: [pool[0], pool[1], pool[2], index % 2 === 0 ? pool[3] : pool[4]],
    };
  }),
);
