import type { People, PersonTurn } from '@workgym/protocol/kit';

/**
 * A site's way to the task's people on one channel (the desk's ticket thread, webmail, the team
 * chat): whom it reaches, and the delivery of the agent's words, where a person who cannot be
 * played is reported to the session (the step's fault, people_error) before the request fails.
 */
export class PeopleChannel {
  private people: People | undefined;
  private fault: (error: Error) => void = () => undefined;

  constructor(readonly channel: string) {}

  /** The episode's people, and where a failing reply goes (SiteApp.meet). */
  meet(people: People, fault: (error: Error) => void): void {
    this.people = people;
    this.fault = fault;
  }

  /** Whether `id` is a Person of the task who answers on this channel. */
  reaches(id: string | undefined): id is string {
    return id !== undefined && this.people?.person(id)?.channel === this.channel;
  }

  /** Delivers `text` to the person `id` (one `reaches` accepts) and returns their reply: none when muted. */
  async send(id: string, text: string): Promise<PersonTurn[]> {
    try {
      return await this.people!.send(id, text);
    } catch (error) {
      this.fault(error as Error);
      throw error;
    }
  }
}
