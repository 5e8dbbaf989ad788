/**
 * The one task-type registry. Adding a task type is one entry here: its title, look, the query keys
 * to refresh on completion, the scripted steps the simulated worker runs (and the mocks replay), and
 * the result it ends with. Nothing else in the project lists task types.
 */
import type { TaskTypeDefinition } from './task-type-definition';

export { type TaskColor, type TaskIcon, taskColors, taskIcons } from './task-type-definition';

export const taskTypes = {
  /** Seed 000: Reddit lead generation, 10 search-query batches that fill the leads table as they go. */
  reddit_leads: {
    title: 'Finding Reddit Leads',
    description: 'Searches Reddit discussions for people asking for what you sell and saves them as leads.',
    icon: 'search',
    color: 'orange',
    unit: 'batch',
    total: 10,
    invalidates: [['reddit-leads'], ['reddit-metrics']],
    liveRows: true,
    steps: [
      {
        stage: 'searching',
        message: 'Searching batch 1 of 10: site:reddit.com best CRM for startups',
        current: 1,
        durationMs: 1400,
        data: {
          batch: 1,
          totalBatches: 10,
          query: 'site:reddit.com best CRM for startups',
          leadsFound: 4,
          leadsSoFar: 4,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 2 of 10: alternatives to HubSpot for a small team',
        current: 2,
        durationMs: 1600,
        data: {
          batch: 2,
          totalBatches: 10,
          query: 'alternatives to HubSpot for a small team',
          leadsFound: 6,
          leadsSoFar: 10,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 3 of 10: subreddit:SaaS how do you track sales leads',
        current: 3,
        durationMs: 1300,
        data: {
          batch: 3,
          totalBatches: 10,
          query: 'subreddit:SaaS how do you track sales leads',
          leadsFound: 3,
          leadsSoFar: 13,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 4 of 10: r/smallbusiness: spreadsheet vs CRM for client follow-ups',
        current: 4,
        durationMs: 1800,
        data: {
          batch: 4,
          totalBatches: 10,
          query: 'r/smallbusiness: spreadsheet vs CRM for client follow-ups',
          leadsFound: 7,
          leadsSoFar: 20,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 5 of 10: site:reddit.com "switching from Salesforce" too expensive',
        current: 5,
        durationMs: 1500,
        data: {
          batch: 5,
          totalBatches: 10,
          query: 'site:reddit.com "switching from Salesforce" too expensive',
          leadsFound: 5,
          leadsSoFar: 25,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 6 of 10: recommend a simple pipeline tool for freelancers',
        current: 6,
        durationMs: 1200,
        data: {
          batch: 6,
          totalBatches: 10,
          query: 'recommend a simple pipeline tool for freelancers',
          leadsFound: 2,
          leadsSoFar: 27,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 7 of 10: subreddit:startups: what CRM did you pick at seed stage',
        current: 7,
        durationMs: 1700,
        data: {
          batch: 7,
          totalBatches: 10,
          query: 'subreddit:startups: what CRM did you pick at seed stage',
          leadsFound: 6,
          leadsSoFar: 33,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 8 of 10: site:reddit.com Pipedrive review 2025',
        current: 8,
        durationMs: 1400,
        data: {
          batch: 8,
          totalBatches: 10,
          query: 'site:reddit.com Pipedrive review 2025',
          leadsFound: 4,
          leadsSoFar: 37,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 9 of 10: losing track of customer emails, need a tool',
        current: 9,
        durationMs: 1500,
        data: {
          batch: 9,
          totalBatches: 10,
          query: 'losing track of customer emails, need a tool',
          leadsFound: 5,
          leadsSoFar: 42,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'searching',
        message: 'Searching batch 10 of 10: r/Entrepreneur: cheapest CRM with email sequences',
        current: 10,
        durationMs: 1600,
        data: {
          batch: 10,
          totalBatches: 10,
          query: 'r/Entrepreneur: cheapest CRM with email sequences',
          leadsFound: 5,
          leadsSoFar: 47,
        },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
    ],
    result: { itemsFound: 47 },
    completedMessage: 'Completed! 47 leads found',
  },

  /** Seed 000: subreddit finding, a short multi-step job that saves the communities worth watching. */
  subreddit_discovery: {
    title: 'Discovering Subreddits',
    description: 'Finds the subreddits where your customers talk about the problems you solve.',
    icon: 'users',
    color: 'amber',
    unit: 'step',
    total: 4,
    invalidates: [['subreddits']],
    steps: [
      {
        stage: 'analyzing',
        message: 'Reading your business description...',
        current: 1,
        durationMs: 900,
        failMessage: 'Could not read your business description. Check your company profile and try again.',
      },
      {
        stage: 'searching',
        message: 'Searching Reddit for related communities...',
        current: 2,
        durationMs: 1500,
        data: { candidates: 38 },
        failMessage: 'Reddit search is rate limited right now. Try again in a few minutes.',
      },
      {
        stage: 'scoring',
        message: 'Scoring 38 subreddits for relevance and activity...',
        current: 3,
        durationMs: 1200,
        data: { candidates: 38, relevant: 12 },
        failMessage: 'Scoring the subreddits failed. Try again shortly.',
      },
      {
        stage: 'saving',
        message: 'Saving 12 subreddits',
        current: 4,
        durationMs: 600,
        data: { candidates: 38, relevant: 12 },
        failMessage: 'The subreddits could not be saved. Try again shortly.',
      },
    ],
    result: { itemsCreated: 12 },
    completedMessage: 'Completed! 12 subreddits found',
  },

  /** Seed 000: SEO content creation, generating blog posts and tracking keywords. */
  seo_init: {
    title: 'Creating SEO Content',
    description: 'Researches the keywords your customers search for and drafts blog posts for them.',
    icon: 'pen-line',
    color: 'emerald',
    unit: 'step',
    total: 5,
    invalidates: [['geo-blog-posts'], ['geo-search-terms']],
    steps: [
      {
        stage: 'analyzing',
        message: 'Analyzing your website...',
        current: 1,
        durationMs: 1000,
        failMessage: 'Your website could not be reached. Check its address and try again.',
      },
      {
        stage: 'keyword_research',
        message: 'Researching keywords...',
        current: 2,
        durationMs: 1800,
        data: { keywordsFound: 18 },
        failMessage: 'Keyword research failed: the search data provider did not answer.',
      },
      {
        stage: 'keyword_research',
        message: 'Tracking 18 search terms',
        current: 3,
        durationMs: 1400,
        data: { keywordsFound: 18, keywordsTracked: 18 },
        failMessage: 'The search terms could not be saved. Try again shortly.',
      },
      {
        stage: 'writing',
        message: 'Drafting 6 blog posts...',
        current: 4,
        durationMs: 2600,
        data: { keywordsTracked: 18, postsDrafted: 6 },
        failMessage: 'Writing the blog posts failed. Try again in a few minutes.',
      },
      {
        stage: 'saving',
        message: 'Saving 6 blog posts',
        current: 5,
        durationMs: 900,
        data: { keywordsTracked: 18, postsDrafted: 6 },
        failMessage: 'The blog posts could not be saved. Try again shortly.',
      },
    ],
    result: { itemsCreated: 6, keywordsTracked: 18 },
    completedMessage: 'Completed! 6 blog posts created',
  },

  /** Seed 000: influencer discovery for partnerships. */
  partnerships: {
    title: 'Finding Partners',
    description: 'Finds creators and influencers in your niche whose audience fits your product.',
    icon: 'handshake',
    color: 'pink',
    unit: 'step',
    total: 4,
    invalidates: [['influencers'], ['partnerships']],
    steps: [
      {
        stage: 'searching',
        message: 'Finding creators in your niche...',
        current: 1,
        durationMs: 1500,
        data: { candidates: 27 },
        failMessage: 'The creator search did not answer. Try again in a few minutes.',
      },
      {
        stage: 'audience_check',
        message: 'Checking audience fit for 27 creators...',
        current: 2,
        durationMs: 1800,
        data: { candidates: 27 },
        failMessage: 'Checking audience fit failed. Try again shortly.',
      },
      {
        stage: 'scoring',
        message: 'Scoring engagement and reach...',
        current: 3,
        durationMs: 1300,
        data: { candidates: 27, shortlisted: 9 },
        failMessage: 'Scoring the creators failed. Try again shortly.',
      },
      {
        stage: 'saving',
        message: 'Saving 9 influencer profiles',
        current: 4,
        durationMs: 700,
        data: { candidates: 27, shortlisted: 9 },
        failMessage: 'The influencer profiles could not be saved. Try again shortly.',
      },
    ],
    result: { itemsCreated: 9 },
    completedMessage: 'Completed! 9 partners found',
  },

  /** Seed 000: geographic blog content, one post per target location. */
  geo_blogs: {
    title: 'Writing Local Blog Posts',
    description: 'Writes blog posts aimed at the cities and regions your customers search from.',
    icon: 'globe',
    color: 'sky',
    unit: 'step',
    total: 6,
    invalidates: [['geo-blog-posts']],
    steps: [
      {
        stage: 'locations',
        message: 'Picking target locations...',
        current: 1,
        durationMs: 1000,
        data: { locations: 3 },
        failMessage: 'No target locations could be picked. Add a location to your profile and try again.',
      },
      {
        stage: 'keyword_research',
        message: 'Researching local search terms...',
        current: 2,
        durationMs: 1400,
        data: { locations: 3 },
        failMessage: 'Local keyword research failed: the search data provider did not answer.',
      },
      {
        stage: 'writing',
        message: 'Writing post 1 of 3: Austin',
        current: 3,
        durationMs: 2200,
        data: { locations: 3, post: 1, location: 'Austin, TX' },
        failMessage: 'Writing the post for Austin failed. Try again in a few minutes.',
      },
      {
        stage: 'writing',
        message: 'Writing post 2 of 3: Denver',
        current: 4,
        durationMs: 2200,
        data: { locations: 3, post: 2, location: 'Denver, CO' },
        failMessage: 'Writing the post for Denver failed. Try again in a few minutes.',
      },
      {
        stage: 'writing',
        message: 'Writing post 3 of 3: Portland',
        current: 5,
        durationMs: 2200,
        data: { locations: 3, post: 3, location: 'Portland, OR' },
        failMessage: 'Writing the post for Portland failed. Try again in a few minutes.',
      },
      {
        stage: 'saving',
        message: 'Saving 3 blog posts',
        current: 6,
        durationMs: 600,
        data: { locations: 3, post: 3 },
        failMessage: 'The blog posts could not be saved. Try again shortly.',
      },
    ],
    result: { itemsCreated: 3 },
    completedMessage: 'Completed! 3 local blog posts created',
  },

  /** Seed 003: rebuilding the knowledge graph's communities, 10% → 30% → 50% → 75% → 90% → 100%. */
  rebuild_communities: {
    title: 'Rebuilding Communities',
    description: 'Removes the old communities and detects new ones across the knowledge graph.',
    icon: 'network',
    color: 'violet',
    unit: 'percent',
    total: 100,
    invalidates: [['communities']],
    steps: [
      {
        stage: 'removing',
        message: 'Removing existing communities...',
        current: 10,
        durationMs: 800,
        failMessage: 'The existing communities could not be removed: the graph database did not answer.',
      },
      {
        stage: 'detecting',
        message: 'Detecting communities...',
        current: 30,
        durationMs: 2400,
        data: { entities: 1204 },
        failMessage: 'Community detection failed: the graph database did not answer in time.',
      },
      {
        stage: 'detecting',
        message: 'Found 12 communities, grouping entities...',
        current: 50,
        durationMs: 2000,
        data: { entities: 1204, communitiesFound: 12 },
        failMessage: 'Community detection failed: the graph database did not answer in time.',
      },
      {
        stage: 'summarizing',
        message: 'Summarizing 12 communities...',
        current: 75,
        durationMs: 1800,
        data: { entities: 1204, communitiesFound: 12 },
        failMessage: 'Writing the community summaries failed. Try the rebuild again.',
      },
      {
        stage: 'linking',
        message: 'Linking entities to their communities...',
        current: 90,
        durationMs: 1200,
        data: { entities: 1204, communitiesFound: 12, edges: 348 },
        failMessage: 'Linking entities to communities failed. Try the rebuild again.',
      },
      {
        stage: 'saving',
        message: 'Saving 12 communities and 348 edges',
        current: 100,
        durationMs: 700,
        data: { entities: 1204, communitiesFound: 12, edges: 348 },
        failMessage: 'The communities could not be saved: the graph database did not answer.',
      },
    ],
    result: { communities_count: 12, edges_count: 348 },
    completedMessage: 'Completed! 12 communities and 348 edges',
  },

  /** Seed 004: purchase order workflow, AI parsing → database save → Shopify sync. */
  po_processing: {
    title: 'Processing Purchase Order',
    description: 'Reads an uploaded purchase order, saves its line items and syncs them to Shopify.',
    icon: 'file-text',
    color: 'blue',
    unit: 'percent',
    total: 100,
    invalidates: [['purchase-orders']],
    steps: [
      {
        stage: 'ai_parsing',
        message: 'AI parsing started',
        current: 10,
        durationMs: 600,
        data: { poNumber: 'PO-2025-0142', stageProgress: 33 },
        failMessage: 'The purchase order file could not be opened. Upload a PDF or image and try again.',
      },
      {
        stage: 'ai_parsing',
        message: 'Extracting supplier and line items...',
        current: 25,
        durationMs: 1800,
        data: { poNumber: 'PO-2025-0142', stageProgress: 67, supplier: 'Northwind Supply Co.' },
        failMessage:
          'AI parsing failed: the document could not be read. Upload a clearer copy and try again.',
      },
      {
        stage: 'ai_parsing',
        message: 'Parsed 5 line items (94% confidence)',
        current: 40,
        durationMs: 1400,
        data: {
          poNumber: 'PO-2025-0142',
          stageProgress: 100,
          supplier: 'Northwind Supply Co.',
          lineItems: 5,
          confidence: 0.94,
        },
        failMessage: 'AI parsing timed out before all line items were read. Try again in a minute.',
      },
      {
        stage: 'database_save',
        message: 'Saving purchase order PO-2025-0142...',
        current: 50,
        durationMs: 500,
        data: { poNumber: 'PO-2025-0142', stageProgress: 33, lineItems: 5 },
        failMessage: 'Database connection timeout while saving the purchase order.',
      },
      {
        stage: 'database_save',
        message: 'Saved 5 line items',
        current: 60,
        durationMs: 900,
        data: { poNumber: 'PO-2025-0142', stageProgress: 67, lineItems: 5, lineItemsSaved: 5 },
        failMessage: 'Database connection timeout while saving the line items.',
      },
      {
        stage: 'database_save',
        message: 'Purchase order saved',
        current: 70,
        durationMs: 400,
        data: { poNumber: 'PO-2025-0142', stageProgress: 100, lineItems: 5, lineItemsSaved: 5 },
        failMessage: 'The purchase order could not be saved: a record with this number already exists.',
      },
      {
        stage: 'shopify_sync',
        message: 'Matching 5 products in Shopify...',
        current: 80,
        durationMs: 1200,
        data: { poNumber: 'PO-2025-0142', stageProgress: 33, lineItems: 5, productsMatched: 5 },
        failMessage: 'Shopify could not be reached. Check the store connection and retry the sync.',
      },
      {
        stage: 'shopify_sync',
        message: 'Updating inventory for 5 products...',
        current: 90,
        durationMs: 1500,
        data: { poNumber: 'PO-2025-0142', stageProgress: 67, lineItems: 5, productsUpdated: 5 },
        failMessage: 'Shopify API rate limit exceeded while updating inventory. Retry the sync in a minute.',
      },
      {
        stage: 'shopify_sync',
        message: 'Shopify sync complete',
        current: 100,
        durationMs: 600,
        data: { poNumber: 'PO-2025-0142', stageProgress: 100, lineItems: 5, productsUpdated: 5 },
        failMessage: 'Shopify rejected the update: the store access token has expired. Reconnect the store.',
      },
    ],
    result: { lineItems: 5, confidence: 0.94 },
    completedMessage: 'Completed! 5 line items synced to Shopify',
  },

  /** Seed 001: a single test run, waiting → running → passed, with its report and duration. */
  test_run: {
    title: 'Running Tests',
    description: 'Runs a test suite in a browser and publishes its report.',
    icon: 'flask-conical',
    color: 'teal',
    unit: 'step',
    total: 5,
    invalidates: [['runs']],
    steps: [
      {
        stage: 'waiting',
        message: 'Waiting for a free test runner...',
        current: 1,
        durationMs: 1200,
        failMessage: 'No test runner became free in time. Try the run again.',
      },
      {
        stage: 'running',
        message: 'Running tests: 8 of 24 done',
        current: 2,
        durationMs: 2000,
        data: { testsDone: 8, testsTotal: 24, passed: 8, failed: 0 },
        failMessage: 'One or more tests failed. login.spec.ts: signs in with a magic link timed out.',
      },
      {
        stage: 'running',
        message: 'Running tests: 16 of 24 done',
        current: 3,
        durationMs: 2000,
        data: { testsDone: 16, testsTotal: 24, passed: 16, failed: 0 },
        failMessage: 'One or more tests failed. checkout.spec.ts: applies a discount code.',
      },
      {
        stage: 'running',
        message: 'Running tests: 24 of 24 done',
        current: 4,
        durationMs: 2000,
        data: { testsDone: 24, testsTotal: 24, passed: 24, failed: 0 },
        failMessage: 'One or more tests failed. settings.spec.ts: saves the notification preferences.',
      },
      {
        stage: 'reporting',
        message: 'Uploading the test report...',
        current: 5,
        durationMs: 900,
        data: { testsDone: 24, testsTotal: 24, passed: 24, failed: 0 },
        failMessage: 'The tests ran but the report could not be uploaded.',
      },
    ],
    result: {
      status: 'passed',
      reportUrl: '/reports/test-runs/latest/index.html',
      durationMs: 8100,
      passed: 24,
      failed: 0,
    },
    completedMessage: 'Test run passed: all 24 tests executed successfully',
  },

  /** Seed 001: a job run (a scheduled set of tests), waiting → running → passed, with a final toast. */
  job_run: {
    title: 'Running Job',
    description: 'Runs every test of a job, one after another, and publishes the job report.',
    icon: 'play',
    color: 'indigo',
    unit: 'step',
    total: 6,
    invalidates: [['runs']],
    steps: [
      {
        stage: 'waiting',
        message: 'Job queued, waiting for a worker...',
        current: 1,
        durationMs: 1500,
        failMessage: 'The job waited too long in the queue. Try the run again.',
      },
      {
        stage: 'running',
        message: 'Running test 1 of 4: Login flow',
        current: 2,
        durationMs: 1800,
        data: { test: 'Login flow', testIndex: 1, testsTotal: 4, passed: 1, failed: 0 },
        failMessage: 'Job execution failed. Login flow: the sign-in button never became visible.',
      },
      {
        stage: 'running',
        message: 'Running test 2 of 4: Checkout with discount',
        current: 3,
        durationMs: 1800,
        data: { test: 'Checkout with discount', testIndex: 2, testsTotal: 4, passed: 2, failed: 0 },
        failMessage: 'Job execution failed. Checkout with discount: expected total 90.00, got 100.00.',
      },
      {
        stage: 'running',
        message: 'Running test 3 of 4: Search results',
        current: 4,
        durationMs: 1800,
        data: { test: 'Search results', testIndex: 3, testsTotal: 4, passed: 3, failed: 0 },
        failMessage: 'Job execution failed. Search results: the API answered 500.',
      },
      {
        stage: 'running',
        message: 'Running test 4 of 4: Account settings',
        current: 5,
        durationMs: 1800,
        data: { test: 'Account settings', testIndex: 4, testsTotal: 4, passed: 4, failed: 0 },
        failMessage: 'Job execution failed. Account settings: timed out after 30 s.',
      },
      {
        stage: 'reporting',
        message: 'Generating the job report...',
        current: 6,
        durationMs: 1000,
        data: { testsTotal: 4, passed: 4, failed: 0 },
        failMessage: 'The tests ran but the job report could not be uploaded.',
      },
    ],
    result: {
      status: 'passed',
      reportUrl: '/reports/job-runs/latest/index.html',
      durationMs: 9700,
      passed: 4,
      failed: 0,
    },
    completedMessage: 'Job execution passed: all 4 tests executed successfully',
  },

  /** Seed 002: staged brand monitoring analysis, with an ETA, ending in a summary. */
  brand_analysis: {
    title: 'Analyzing Your Brand',
    description: 'Collects mentions of your brand across the web and summarizes how people talk about it.',
    icon: 'sparkles',
    color: 'fuchsia',
    unit: 'stage',
    total: 5,
    invalidates: [['brand-analysis']],
    steps: [
      {
        stage: 'initializing',
        message: 'Initializing analysis',
        current: 1,
        durationMs: 700,
        failMessage: 'The analysis could not start. Check your brand name and try again.',
      },
      {
        stage: 'collecting',
        message: 'Collecting brand mentions from 6 sources...',
        current: 2,
        durationMs: 2500,
        data: { sources: 6, mentions: 412 },
        failMessage: 'API rate limit exceeded while collecting mentions. Try again in a few minutes.',
      },
      {
        stage: 'analyzing',
        message: 'Analyzing brand mentions...',
        current: 3,
        durationMs: 3200,
        data: { sources: 6, mentions: 412 },
        failMessage: 'Analyzing the mentions failed: the language model did not answer.',
      },
      {
        stage: 'scoring',
        message: 'Scoring sentiment and share of voice...',
        current: 4,
        durationMs: 2200,
        data: { sources: 6, mentions: 412, positivePercent: 68 },
        failMessage: 'Scoring sentiment failed. Try the analysis again.',
      },
      {
        stage: 'summarizing',
        message: 'Writing the summary...',
        current: 5,
        durationMs: 1800,
        data: { sources: 6, mentions: 412, positivePercent: 68 },
        failMessage: 'Writing the summary failed. Try the analysis again.',
      },
    ],
    result: {
      summary:
        'Mostly positive: 68% of 412 mentions are favourable, with praise for support and complaints about pricing.',
      mentions: 412,
      positivePercent: 68,
    },
    completedMessage: 'Analysis complete: 412 mentions, 68% positive',
  },
} as const satisfies Record<string, TaskTypeDefinition>;

export type TaskType = keyof typeof taskTypes;

export const taskTypeNames = Object.keys(taskTypes) as [TaskType, ...TaskType[]];

export function getTaskType(type: TaskType): TaskTypeDefinition {
  return taskTypes[type];
}

/** Sum of step durations at SIMULATION_SPEED=1. */
export function typicalDurationMs(type: TaskType): number {
  return getTaskType(type).steps.reduce((sum, step) => sum + step.durationMs, 0);
}

/** Distinct stage names of a type, in order of first appearance. */
export function stagesOf(type: TaskType): string[] {
  const stages: string[] = [];
  for (const step of getTaskType(type).steps) {
    if (!stages.includes(step.stage)) stages.push(step.stage);
  }
  return stages;
}
