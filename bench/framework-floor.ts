// The framework floor: a minimal Nest app on Express with one route doing the ceiling's work, and
// nothing else (no middleware, guards, logger or body parser). It shows what the stack itself costs.
import 'reflect-metadata';
import { Controller, Get, Headers, Inject, Module, Res, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { AddressInfo } from 'node:net';
import { ceilingWork, type CeilingWork } from './ceiling-work';

const WORK = Symbol('ceiling-work');

@Controller()
class FloorController {
  constructor(@Inject(WORK) private readonly work: CeilingWork) {}

  @Get('exchange')
  async exchange(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    let signed: string;
    try {
      signed = await this.work((authorization ?? '').slice(7));
    } catch {
      throw new UnauthorizedException();
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(signed);
  }
}

async function main(): Promise<void> {
  const work = await ceilingWork(process.env.BENCH_UPSTREAM as string);
  @Module({ controllers: [FloorController], providers: [{ provide: WORK, useValue: work }] })
  class FloorModule {}
  const app = await NestFactory.create<NestExpressApplication>(FloorModule, { logger: false, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}/exchange` });
  process.on('disconnect', () => process.exit(0));
}

void main();
