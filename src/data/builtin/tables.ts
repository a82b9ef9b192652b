// Value tables for the built-in personas: the values each attribute can take and, for driver
// attributes, the score each value contributes to the planted preference axes (see axes.ts and
// docs/builtin-dataset.md). Scores are plain numbers in [-1, 1]; weights are relative frequencies.

export interface Weighted<T = string> {
  value: T;
  weight: number;
}

export const AGE_BANDS: { lo: number; hi: number; weight: number }[] = [
  { lo: 18, hi: 24, weight: 12 },
  { lo: 25, hi: 34, weight: 18 },
  { lo: 35, hi: 44, weight: 17 },
  { lo: 45, hi: 54, weight: 16 },
  { lo: 55, hi: 64, weight: 17 },
  { lo: 65, hi: 74, weight: 12 },
  { lo: 75, hi: 89, weight: 8 },
];

/** Education with its score (less schooling -1 ... doctorate +1). */
export const EDUCATION: (Weighted & { score: number })[] = [
  { value: 'Less than high school diploma', weight: 9, score: -1 },
  { value: 'High school diploma', weight: 27, score: -0.6 },
  { value: 'Some college, no degree', weight: 20, score: -0.2 },
  { value: "Associate's degree", weight: 9, score: 0 },
  { value: "Bachelor's degree", weight: 21, score: 0.4 },
  { value: "Master's degree", weight: 10, score: 0.7 },
  { value: 'Professional degree beyond a bachelor\'s degree', weight: 2, score: 0.85 },
  { value: 'Doctorate degree', weight: 2, score: 1 },
];

/** Employment status with its frugality score (tighter budgets +). */
export const EMPLOYMENT: Record<string, number> = {
  'Employed full-time': -0.3,
  'Employed part-time': 0.3,
  'Self-employed': -0.1,
  Unemployed: 1,
  Retired: 0.3,
  Student: 0.8,
  'Not in labor force': 0.5,
};

/** Occupation category: formality and technicality scores, the industries it sits in, and jobs. */
export const OCCUPATIONS: Record<
  string,
  { formal: number; technical: number; minEducation: number; industries: string[]; jobs: string[] }
> = {
  'Management, business, and financial occupations': {
    formal: 0.7,
    technical: 0.2,
    minEducation: 2,
    industries: ['Finance and insurance', 'Professional, scientific, and technical services', 'Manufacturing', 'Retail trade'],
    jobs: ['Operations manager overseeing a regional team', 'Accountant preparing audits for small businesses', 'Financial analyst building budget forecasts', 'Human resources manager handling hiring and benefits', 'Project manager coordinating schedules and vendors'],
  },
  'Computer, engineering, and science occupations': {
    formal: 0.1,
    technical: 1,
    minEducation: 3,
    industries: ['Information', 'Professional, scientific, and technical services', 'Manufacturing', 'Utilities'],
    jobs: ['Software developer maintaining internal tools', 'Civil engineer designing road drainage', 'Data analyst building dashboards for a hospital network', 'Lab technician running chemical assays', 'Network administrator keeping an office online'],
  },
  'Education, legal, community service, arts, and media occupations': {
    formal: 0.5,
    technical: -0.2,
    minEducation: 3,
    industries: ['Educational services', 'Professional, scientific, and technical services', 'Arts, entertainment, and recreation', 'Public administration'],
    jobs: ['Middle school teacher of social studies', 'Paralegal preparing case files', 'Social worker supporting foster families', 'Graphic designer for a local newspaper', 'Librarian running reading programmes'],
  },
  'Healthcare practitioners and technical occupations': {
    formal: 0.5,
    technical: 0.5,
    minEducation: 3,
    industries: ['Health care and social assistance'],
    jobs: ['Registered nurse on a hospital surgical ward', 'Pharmacist at a neighbourhood drugstore', 'Radiology technician taking X-rays', 'Dental hygienist at a family practice', 'Physical therapist helping patients after injuries'],
  },
  'Service occupations': {
    formal: -0.6,
    technical: -0.6,
    minEducation: 0,
    industries: ['Accommodation and food services', 'Health care and social assistance', 'Other services, except public administration'],
    jobs: ['Line cook at a busy diner', 'Home health aide visiting elderly clients', 'Hair stylist at a neighbourhood salon', 'Security guard at an office building', 'Janitor at an elementary school'],
  },
  'Sales and office occupations': {
    formal: 0.1,
    technical: -0.3,
    minEducation: 1,
    industries: ['Retail trade', 'Wholesale trade', 'Finance and insurance', 'Real estate and rental and leasing'],
    jobs: ['Retail sales associate at a hardware store', 'Office clerk handling billing records', 'Insurance sales agent', 'Receptionist at a dental office', 'Customer service representative at a call centre'],
  },
  'Natural resources, construction, and maintenance occupations': {
    formal: -0.7,
    technical: 0.1,
    minEducation: 0,
    industries: ['Construction', 'Agriculture, forestry, fishing, and hunting', 'Mining, quarrying, and oil and gas extraction'],
    jobs: ['Electrician wiring new homes', 'Carpenter on residential renovations', 'Farmworker on a family dairy farm', 'HVAC mechanic servicing furnaces', 'Roofer working for a small contractor'],
  },
  'Production, transportation, and material moving occupations': {
    formal: -0.6,
    technical: -0.2,
    minEducation: 0,
    industries: ['Manufacturing', 'Transportation and warehousing', 'Wholesale trade'],
    jobs: ['Long-haul truck driver', 'Machine operator at an auto parts plant', 'Warehouse picker at a distribution centre', 'Bus driver on city routes', 'Welder at a steel fabrication shop'],
  },
};
export const NOT_APPLICABLE_OCCUPATION = 'Not applicable (not in the labor force)';

export const INCOME: (Weighted & { score: number })[] = [
  { value: '$0 - $9,999', weight: 8, score: -1 },
  { value: '$10,000 - $24,999', weight: 13, score: -0.7 },
  { value: '$25,000 - $49,999', weight: 21, score: -0.35 },
  { value: '$50,000 - $74,999', weight: 18, score: 0 },
  { value: '$75,000 - $99,999', weight: 13, score: 0.3 },
  { value: '$100,000 - $149,999', weight: 14, score: 0.6 },
  { value: '$150,000 - $199,999', weight: 7, score: 0.8 },
  { value: '$200,000 or more', weight: 6, score: 1 },
];

/** Marital status with its family-focus score. */
export const MARITAL: Record<string, number> = {
  'Never married': -0.6,
  Married: 0.6,
  Divorced: -0.3,
  Separated: -0.2,
  Widowed: 0.2,
};

/** Family presence with its family-focus score. */
export const FAMILY_PRESENCE: Record<string, number> = {
  'No children': -0.7,
  'With own children under 6 years only': 1,
  'With own children 6 to 17 years only': 0.9,
  'With own children under 6 years and 6 to 17 years': 1,
  'With adult children only': 0.3,
};

export const BIG_FIVE_TRAITS = ['Openness', 'Conscientiousness', 'Extraversion', 'Agreeableness', 'Neuroticism'] as const;
export type BigFiveTrait = (typeof BIG_FIVE_TRAITS)[number];
export const BIG_FIVE_LEVELS: (Weighted & { score: number })[] = [
  { value: 'Extremely Low', weight: 6, score: -1 },
  { value: 'Low', weight: 22, score: -0.5 },
  { value: 'Average', weight: 44, score: 0 },
  { value: 'High', weight: 22, score: 0.5 },
  { value: 'Extremely High', weight: 6, score: 1 },
];

/** Political views (left -1 ... right +1). */
export const POLITICAL_VIEWS: (Weighted & { score: number })[] = [
  { value: 'Very liberal', weight: 10, score: -1 },
  { value: 'Liberal', weight: 21, score: -0.5 },
  { value: 'Moderate', weight: 36, score: 0 },
  { value: 'Conservative', weight: 23, score: 0.5 },
  { value: 'Very conservative', weight: 10, score: 1 },
];

/** Ideology (left -1 ... right +1), drawn conditionally on political views (see `ideologyWeights`). */
export const IDEOLOGY: Record<string, number> = {
  Progressive: -1,
  Socialist: -1,
  Liberal: -0.5,
  Centrist: 0,
  Apolitical: 0,
  Libertarian: 0.3,
  Conservative: 0.6,
  Traditionalist: 1,
};

/** Religion with its religiosity score (secular -1 ... devout +1). */
export const RELIGION: Record<string, number> = {
  'Evangelical Protestant': 1,
  'Mainline Protestant': 0.5,
  Catholic: 0.6,
  'Latter-day Saint': 1,
  'Orthodox Christian': 0.7,
  Jewish: 0.2,
  Muslim: 0.9,
  Hindu: 0.5,
  Buddhist: 0,
  'Spiritual but not religious': -0.2,
  'Nothing in particular': -0.6,
  Agnostic: -0.9,
  Atheist: -1,
};

/** Lifestyle with its risk-appetite score. */
export const LIFESTYLE: Record<string, number> = {
  'Adventurous; always planning the next trip or challenge': 1,
  'Fast-paced and ambitious, juggling many projects': 0.6,
  'Social and outgoing, out with friends most weekends': 0.4,
  'Active and outdoorsy, hiking and cycling whenever possible': 0.5,
  'Busy and career-focused': 0.2,
  'Creative and spontaneous': 0.6,
  'Balanced: work, family and a few steady hobbies': 0,
  'Health-conscious, with a strict routine': -0.3,
  'Comfortable and settled into familiar routines': -0.6,
  'Quiet and home-centred': -0.8,
  'Frugal and self-sufficient, growing much of their own food': -0.4,
  'Minimalist, owning few things': -0.1,
  'Community-minded, volunteering every week': -0.2,
  'Cautious planner who prepares for every contingency': -1,
};

export const DEFINING_QUIRKS = [
  'Collects vintage postcards from towns they have never visited',
  'Names every houseplant after a jazz musician',
  'Cannot start the day without doing a crossword',
  'Keeps a detailed log of every book they read',
  'Hums show tunes while cooking',
  'Always carries a pocket notebook',
  'Insists on arriving exactly ten minutes early',
  'Rearranges the furniture every spring',
  'Knows the bus timetable by heart',
  'Feeds the neighbourhood birds every morning',
  'Has strong opinions about the correct way to load a dishwasher',
  'Saves every glass jar for some future project',
  'Tells the same three fishing stories at every gathering',
  'Wears a lucky watch to important meetings',
  'Can identify most cars by the sound of the engine',
  'Writes thank-you notes by hand',
  'Refuses to use elevators',
  'Keeps a sourdough starter alive for years',
  'Tracks the weather in a handwritten journal',
  'Memorises the birthdays of everyone they meet',
  'Builds model ships in the garage',
  'Reads the last page of a book first',
  'Plays chess by mail with a friend overseas',
  'Hides small notes for family members to find',
];

export const MANNERISMS = [
  'Taps a pen while thinking',
  'Speaks softly and pauses often',
  'Uses their hands a lot when talking',
  'Laughs easily, often at their own jokes',
  'Nods slowly while listening',
  'Quotes old movies in conversation',
  'Raises an eyebrow when sceptical',
  'Checks the time frequently',
  'Answers questions with questions',
  'Speaks quickly when excited',
  'Clears their throat before saying something important',
  'Leans forward when interested',
  'Uses a lot of sports metaphors',
  'Adjusts their glasses when unsure',
  'Smiles before disagreeing',
  'Hums quietly while working',
  'Counts points off on their fingers',
  'Says "to be honest" often',
  'Tilts their head when listening',
  'Keeps eye contact a little too long',
];

export const PERSONAL_TIME = [
  'Gardening and tending a vegetable patch',
  'Watching baseball with friends',
  'Reading mystery novels',
  'Playing video games online',
  'Volunteering at a food bank',
  'Woodworking in the garage',
  'Baking bread and pastries',
  'Going to the gym before work',
  'Fishing at a nearby lake',
  'Painting watercolour landscapes',
  'Playing guitar in a weekend band',
  'Knitting while listening to podcasts',
  'Hiking local trails',
  'Attending community theatre',
  'Restoring an old car',
  'Birdwatching',
  'Playing board games with neighbours',
  'Learning a new language on an app',
  'Taking long walks with the dog',
  'Visiting museums and galleries',
];

export const US_STATES = [
  'California', 'Texas', 'Florida', 'New York', 'Pennsylvania', 'Illinois', 'Ohio', 'Georgia', 'North Carolina',
  'Michigan', 'New Jersey', 'Virginia', 'Washington', 'Arizona', 'Massachusetts', 'Tennessee', 'Indiana', 'Missouri',
  'Maryland', 'Wisconsin', 'Colorado', 'Minnesota', 'Oregon', 'Kentucky', 'Iowa', 'Louisiana', 'Utah', 'Nevada',
];

/** Origins: a coherent draw of race, ancestry, language, birthplace, citizenship and English
 * ability. Every attribute in here is irrelevant to preferences and drawn independently of the
 * driver attributes. Foreign-born origins link country, ancestry and native language by index. */
export interface Origin {
  weight: number;
  races: Weighted[];
  /** U.S.-born: ancestry and home language drawn independently. */
  ancestries?: string[];
  languages?: Weighted[];
  /** Foreign-born: [country, ancestry, native language], one drawn. */
  abroad?: [string, string, string][];
  /** Foreign-born: share speaking the native language at home (the rest: English only). */
  nativeAtHome?: number;
  /** Foreign-born: P(naturalized); the rest are not citizens. */
  naturalized?: number;
}

export const ORIGINS: Origin[] = [
  {
    weight: 55,
    races: [{ value: 'White', weight: 1 }],
    ancestries: ['German', 'Irish', 'English', 'Italian', 'Polish', 'Scottish', 'Norwegian', 'Dutch', 'French', 'Swedish', 'American'],
    languages: [{ value: 'English only', weight: 96 }, { value: 'Spanish', weight: 2 }, { value: 'German', weight: 1 }, { value: 'French', weight: 1 }],
  },
  {
    weight: 11,
    races: [{ value: 'Black or African American', weight: 1 }],
    ancestries: ['African American', 'Jamaican', 'Haitian', 'Nigerian', 'Trinidadian'],
    languages: [{ value: 'English only', weight: 94 }, { value: 'French Creole', weight: 3 }, { value: 'Spanish', weight: 3 }],
  },
  {
    weight: 9,
    races: [{ value: 'White', weight: 5 }, { value: 'Some other race', weight: 3 }, { value: 'Two or more races', weight: 2 }],
    ancestries: ['Mexican', 'Puerto Rican', 'Cuban', 'Salvadoran', 'Dominican'],
    languages: [{ value: 'English only', weight: 45 }, { value: 'Spanish', weight: 55 }],
  },
  {
    weight: 10,
    races: [{ value: 'White', weight: 4 }, { value: 'Some other race', weight: 5 }, { value: 'Two or more races', weight: 1 }],
    abroad: [
      ['Mexico', 'Mexican', 'Spanish'],
      ['Mexico', 'Mexican', 'Spanish'],
      ['Mexico', 'Mexican', 'Spanish'],
      ['El Salvador', 'Salvadoran', 'Spanish'],
      ['Guatemala', 'Guatemalan', 'Spanish'],
      ['Colombia', 'Colombian', 'Spanish'],
      ['Dominican Republic', 'Dominican', 'Spanish'],
      ['Honduras', 'Honduran', 'Spanish'],
    ],
    nativeAtHome: 0.92,
    naturalized: 0.38,
  },
  {
    weight: 6,
    races: [{ value: 'Asian', weight: 1 }],
    abroad: [
      ['China', 'Chinese', 'Chinese'],
      ['India', 'Indian', 'Hindi'],
      ['Philippines', 'Filipino', 'Tagalog'],
      ['Vietnam', 'Vietnamese', 'Vietnamese'],
      ['South Korea', 'Korean', 'Korean'],
    ],
    nativeAtHome: 0.85,
    naturalized: 0.55,
  },
  {
    weight: 3,
    races: [{ value: 'Asian', weight: 1 }],
    ancestries: ['Chinese', 'Indian', 'Filipino', 'Korean', 'Japanese'],
    languages: [{ value: 'English only', weight: 70 }, { value: 'Chinese', weight: 10 }, { value: 'Tagalog', weight: 10 }, { value: 'Korean', weight: 10 }],
  },
  {
    weight: 3,
    races: [{ value: 'White', weight: 1 }],
    abroad: [
      ['Germany', 'German', 'German'],
      ['United Kingdom', 'English', 'English only'],
      ['Canada', 'Canadian', 'English only'],
      ['Poland', 'Polish', 'Polish'],
      ['Ukraine', 'Ukrainian', 'Ukrainian'],
    ],
    nativeAtHome: 0.6,
    naturalized: 0.6,
  },
  {
    weight: 2,
    races: [{ value: 'Black or African American', weight: 1 }],
    abroad: [
      ['Nigeria', 'Nigerian', 'Yoruba'],
      ['Jamaica', 'Jamaican', 'English only'],
      ['Haiti', 'Haitian', 'French Creole'],
      ['Ethiopia', 'Ethiopian', 'Amharic'],
    ],
    nativeAtHome: 0.7,
    naturalized: 0.55,
  },
  {
    weight: 1,
    races: [{ value: 'American Indian or Alaska Native', weight: 1 }],
    ancestries: ['Cherokee', 'Navajo', 'Lakota', 'Ojibwe'],
    languages: [{ value: 'English only', weight: 85 }, { value: 'Navajo', weight: 15 }],
  },
  {
    weight: 2,
    races: [{ value: 'Two or more races', weight: 1 }],
    ancestries: ['Irish', 'Mexican', 'African American', 'German', 'Filipino', 'Italian'],
    languages: [{ value: 'English only', weight: 90 }, { value: 'Spanish', weight: 10 }],
  },
];
